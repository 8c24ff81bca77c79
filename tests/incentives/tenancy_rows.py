from tests.tenancy import PARTNER, Row

ROWS = [Row("incentives:deals", PARTNER), Row("incentives:scorecard", PARTNER)]
