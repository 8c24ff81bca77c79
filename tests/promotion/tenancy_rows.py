from tests.tenancy import PARTNER, Row

ROWS = [Row("promotion:index", PARTNER)]
