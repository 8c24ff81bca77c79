"""The production lane's data, written under the production settings (debug off, the
environment of $PRM_ENV_FILE) by the runtime virtualenv alone: `seed_demo` refuses to run
there, and no test package is installed. Idempotent; prints one JSON line for the lane.

    python tests/production/fixtures.py <file-name>

A partner (admin), two channel managers assigned to it (the reviewers of its deals), a
product, and a published library file of about 300 kB whose bytes the lane compares with
what nginx or the object store hands out.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

PASSWORD = "Lane-only-9f3c1e7a"  # a throw-away installation


def _user(email: str, name: str, *, staff: bool = False, language: str = "ja"):
    from allauth.account.models import EmailAddress

    from prm.models import User

    user, _ = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "language": language, "is_staff": staff}
    )
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _file_bytes() -> bytes:
    """A PNG of random pixels (~300 kB: big enough for a Range request in the middle)."""
    from io import BytesIO
    from random import Random

    from PIL import Image

    noise = Random(23).randbytes(320 * 320 * 3)
    out = BytesIO()
    Image.frombytes("RGB", (320, 320), noise).save(out, format="PNG")
    return out.getvalue()


def main(file_name: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from content import services as content_services
    from content.models import Asset
    from incentives.models import Product
    from partners.models import Membership, Partner
    from prm.models import CHANNEL_MANAGERS

    partner, _ = Partner.objects.update_or_create(
        slug="lane-sakura",
        defaults={"name": "さくら精機株式会社", "status": Partner.Status.ACTIVE, "country": "JP"},
    )
    admin = _user("partner-admin@lane.test", "高橋 健")
    Membership.objects.update_or_create(user=admin, defaults={"partner": partner, "role": "admin"})
    managers = Group.objects.get_or_create(name=CHANNEL_MANAGERS)[0]
    reviewers = []
    for email, name in (("manager-1@lane.test", "佐藤 美咲"), ("manager-2@lane.test", "Kenji Watanabe")):
        manager = _user(email, name, staff=True)
        manager.groups.add(managers)
        assign_perm("partners.manage_partner", manager, partner)
        reviewers.append(email)
    product, _ = Product.objects.get_or_create(code="lane-suite", defaults={"name": "Lane Suite"})
    data = _file_bytes()
    asset = Asset.objects.create(
        title=f"導入ガイド ({file_name})",
        summary="The production lane's file.",
        kind=Asset.Kind.FILE,
        language=Asset.Language.JA,
        stages=["onboarding", "selling", "servicing"],
        status=Asset.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    version = content_services.asset_version_add(
        asset=asset, upload=SimpleUploadedFile(file_name, data, content_type="image/png")
    )
    return {
        "partner": partner.name,
        "partner_admin": admin.email,
        "password": PASSWORD,
        "reviewers": reviewers,
        "product": product.pk,
        "asset": asset.pk,
        "file_name": version.file.name,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "lane-guide.png")))
