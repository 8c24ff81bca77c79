from tests.tenancy import PARTNER, Row

ROWS = [Row("threads:list", PARTNER)]
