"""The demo's people: staff accounts and the partners' people, each with a verified address
and the demo password (`manage.py seed_demo` runs this before every app's `demo.py`).

The partners' people are listed by `partners.demo.people()`, which places them in their
partners; their accounts are made here, where the demo password lives, so that no app
imports the dev tools.
"""

from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from partners import demo as partners_demo
from prm.models import CHANNEL_MANAGERS, FINANCE, SUPPORT, ClosureDay, User

PASSWORD = "demo12345"  # noqa: S105 - demo data only, printed by seed_demo


def demo_user(email: str, *, display_name: str, language: str = "ja", **flags) -> User:
    """Get or create a demo user with a verified e-mail address and the demo password."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name, "language": language, **flags}
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(stdout) -> None:
    demo_user("admin@example.com", display_name="管理者 太郎", is_staff=True, is_superuser=True)
    manager = demo_user("manager@example.com", display_name="佐藤 美咲", is_staff=True)
    manager.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    # The demo manager is head of channel: the global permission shows every partner.
    manager.user_permissions.add(Permission.objects.get(codename="manage_partner"))
    manager2 = demo_user("manager2@example.com", display_name="Kenji Watanabe", language="en", is_staff=True)
    manager2.groups.add(Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0])
    support = demo_user("support@example.com", display_name="鈴木 花子", is_staff=True)
    support.groups.add(Group.objects.get_or_create(name=SUPPORT)[0])
    # Finance: payee profiles, payment statements, transfer files (payouts).
    finance = demo_user("finance@example.com", display_name="山本 直子", is_staff=True)
    finance.groups.add(Group.objects.get_or_create(name=FINANCE)[0])
    for email, display_name, language, _slug, _role in partners_demo.people():
        demo_user(email, display_name=display_name, language=language)
    _closure_days()


def _closure_days() -> None:
    """The company's New Year and summer breaks (business-day targets skip them)."""
    year = timezone.localdate().year
    for first, last, name_ja, name_en in [
        (date(year - 1, 12, 29), date(year, 1, 3), "年末年始休業", "New Year break"),
        (date(year, 8, 13), date(year, 8, 15), "夏季休業", "Summer break"),
        (date(year, 12, 29), date(year + 1, 1, 3), "年末年始休業", "New Year break"),
    ]:
        ClosureDay.objects.update_or_create(
            first_day=first, defaults={"last_day": last, "name_ja": name_ja, "name_en": name_en}
        )
