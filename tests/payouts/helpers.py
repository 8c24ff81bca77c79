"""Data for payouts tests: approved incentive statements, payee profiles, a finance user."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group

from incentives.models import Earning, IncentiveProgram, Statement
from payouts.models import PayeeProfile
from prm.models import FINANCE
from tests.factories import UserFactory
from tests.incentives.factories import ProgramFactory

# トヨタ自動車's published corporate number: a registration number that checks.
REGISTERED = "T1180301018771"


def finance_user(email="finance@example.test"):
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=FINANCE))
    return user


def approved_statement(
    partner, period=date(2026, 11, 1), amounts=(Decimal(15),), status=Statement.Status.APPROVED
):
    """A statement of `period` with one line per amount (each its own program)."""
    statement = Statement.objects.create(partner=partner, period=period, status=status, total=sum(amounts))
    if status != Statement.Status.DRAFT:
        statement.approved_at = statement.created_at
        statement.save(update_fields=["approved_at"])
    for amount in amounts:
        program = ProgramFactory(kind=IncentiveProgram.Kind.SPIFF, name=f"SPIFF {amount}")
        Earning.objects.create(statement=statement, program=program, partner=partner, amount=Decimal(amount))
    return statement


def payee(partner, *, registered=True, approved=True, **overrides):
    values = {
        "legal_name": f"株式会社{partner.name}",
        "registration_number": REGISTERED if registered else "",
        "bank_code": "0009",
        "bank_name_kana": "ﾐﾂｲｽﾐﾄﾓ",
        "branch_code": "123",
        "branch_name_kana": "ｼﾌﾞﾔ",
        "account_type": "1",
        "account_number": "0012345",
        "account_holder_kana": "ｶ)ﾊﾟ-ﾄﾅ-",
        "status": PayeeProfile.Status.APPROVED if approved else PayeeProfile.Status.PENDING,
    }
    values.update(overrides)
    return PayeeProfile.objects.create(partner=partner, **values)
