from tests.tenancy import PARTNER, Row

ROWS = [Row("content:index", PARTNER)]
