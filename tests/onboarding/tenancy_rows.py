from tests.tenancy import PARTNER, Row

ROWS = [
    Row("onboarding:index", PARTNER),
    Row("onboarding:training", PARTNER),
]
