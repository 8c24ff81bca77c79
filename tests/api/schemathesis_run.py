"""Property-based tests of the whole OpenAPI schema against a live server (run by .ci/run).

    .venv/bin/python tests/api/schemathesis_run.py [--examples 15] [--roles admin,member,manager]

Creates a fresh database (`prm_schemathesis` on the embedded server, or DATABASE_URL's
server), seeds two partners with deals, statements, content, questions, onboarding tasks,
certifications, campaigns and applications, issues tokens (every scope) for partner A's
admin, its member and a channel manager assigned to A only, starts gunicorn with production
settings (debug off) on a port of the api lane's range (9600-9699), then runs Schemathesis
over every operation as each of them, with every check: no server error, no response that
violates the schema (status codes, content types, headers, bodies), no endpoint answering
without a valid token (`ignored_auth`), and tests/api/schemathesis_hooks.py's check that
another partner's ids answer exactly as ids that do not exist. Exits 1 on any failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from devtools import servers  # noqa: E402

DATABASE = "prm_schemathesis"
PORTS = (9640, 9679)


def fresh_database():
    """Drop and recreate the run's database, then migrate it (the embedded server by default)."""
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["PRM_TESTING"] = "1"  # MD5 hashing, eager tasks and locmem mail in this process
    if "DATABASE_URL" not in os.environ:
        import pgserver

        servers.postgres_settings()
        server = pgserver.get_server(servers.PG_DIR, cleanup_mode=None)
        server.psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);")
        server.psql(f"CREATE DATABASE {DATABASE};")
        os.environ["PRM_DATABASE_NAME"] = DATABASE
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings"
    servers.use_embedded_servers()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed() -> dict:
    """Two partners with data of every kind; returns the users and the ids per path."""
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from content import services as content_services
    from content.models import Asset, AssetShare
    from incentives import services as incentives
    from onboarding.models import TaskKind
    from partners.models import Membership, PartnerType
    from prm.models import CHANNEL_MANAGERS
    from tests.api.scenarios import application
    from tests.factories import MembershipFactory, PartnerFactory, UserFactory
    from tests.incentives.factories import DealFactory, ProgramFactory, make_tiers
    from tests.onboarding.factories import PlanFactory, TaskFactory
    from tests.promotion.factories import CampaignFactory, ParticipationFactory
    from tests.threads.factories import make_thread
    from tests.training.factories import UserCertificationFactory

    make_tiers()
    a = PartnerFactory(name="Alpha Trading", slug="alpha", partner_type=PartnerType.DELIVERY)
    b = PartnerFactory(name="Beta Holdings", slug="beta")
    admin_a = MembershipFactory(
        partner=a, role=Membership.Role.ADMIN, user__email="admin-a@example.test"
    ).user
    member_a = MembershipFactory(partner=a, user__email="member-a@example.test").user
    admin_b = MembershipFactory(
        partner=b, role=Membership.Role.ADMIN, user__email="admin-b@example.test"
    ).user
    manager = UserFactory(email="manager-a@example.test", is_staff=True)
    manager.groups.add(Group.objects.get(name=CHANNEL_MANAGERS))
    assign_perm("partners.manage_partner", manager, a)
    ids = {}

    def both(path, own, foreign):
        ids[path] = {"own": [o.pk for o in own], "foreign": [f.pk for f in foreign]}

    deals = {
        p: [DealFactory(partner=p), DealFactory(partner=p, approved=True), DealFactory(partner=p, won=True)]
        for p in (a, b)
    }
    both("/api/v1/deals/{id}/", deals[a], deals[b])
    both("/api/v1/vendor/deals/{id}/", deals[a], deals[b])
    both("/api/v1/vendor/partners/{id}/", [a], [b])
    ProgramFactory(
        starts_on=timezone.localdate().replace(day=1), ends_on=timezone.localdate() + timedelta(days=60)
    )
    incentives.tiers_recompute()
    incentives.earnings_compute(period=timezone.localdate())
    both("/api/v1/statements/{id}/", list(a.statements.all()), list(b.statements.all()))
    assets = {}
    for p in (a, b):
        asset = Asset.objects.create(
            title=f"For {p.name}",
            kind="article",
            body="**Hello**",
            status="published",
            published_at=timezone.now(),
            shared_only=True,
            stages=["selling"],
        )
        AssetShare.objects.create(asset=asset, partner=p)
        pdf = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        content_services.asset_version_add(asset=asset, upload=pdf)
        assets[p] = [asset]
    both("/api/v1/content/{id}/", assets[a], assets[b])
    both("/api/v1/questions/{id}/", [make_thread(a, member_a)], [make_thread(b, admin_b)])
    tasks = {}
    for p in (a, b):
        plan = PlanFactory(partner=p)
        tasks[p] = [TaskFactory(plan=plan, kind=TaskKind.UPLOAD), TaskFactory(plan=plan)]
    both("/api/v1/onboarding/tasks/{task_pk}/submissions/", tasks[a], tasks[b])
    UserCertificationFactory(partner=a, user=member_a)
    UserCertificationFactory(partner=b, user=admin_b)
    campaign = CampaignFactory()
    ParticipationFactory(campaign=campaign, partner=a)
    ids["/api/v1/vendor/campaigns/{id}/"] = {"own": [campaign.pk], "foreign": []}
    ids["/api/v1/vendor/applications/{id}/"] = {
        "own": [application(company_name=f"Applicant {n} KK").pk for n in range(3)],
        "foreign": [],
    }
    return {"users": {"admin": admin_a, "member": member_a, "manager": manager}, "ids": ids}


def token(user) -> str:
    from tests.api.helpers import make_token

    return make_token(user, days=1, name="schemathesis")


def server_env(media: str) -> dict:
    from bench.load import service_env

    env = service_env()  # production settings (bench.loadsite.settings: debug off, hashed static files)
    env.update(
        CELERY_TASK_ALWAYS_EAGER="true",  # e-mails and webhooks run in the request: their errors count
        EMAIL_URL="memorymail://",
        MEDIA_ROOT=f"{media}/public",
        PRIVATE_MEDIA_ROOT=f"{media}/private",
        PRM_API_RATE_LIMIT="1000000",
        PRM_API_AUTH_FAILURES_PER_MINUTE="1000000",
    )
    return env


def run_schemathesis(port: int, role: str, secret: str, ids: dict, args) -> int:
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(ROOT),
        "ST_IDS": json.dumps(ids),
        "ST_TOKEN": secret,
    }
    command = [
        str(ROOT / ".venv" / "bin" / "st"),
        "run",
        f"http://127.0.0.1:{port}/api/v1/schema/",
        "--header",
        f"Authorization: Bearer {secret}",
        "--checks",
        "all",
        # Valid-looking data the business rules refuse (a close date in the past, a deal not
        # under review) is a 4xx by design, not a failure.
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        str(args.examples),
        "--phases",
        "examples,coverage,fuzzing",
        # One worker thread: under CPython 3.11 two threads describing Hypothesis strategies at
        # once (ast.parse of lambda sources) race on the interpreter's shared AST state and
        # fail at random with "SystemError: AST constructor recursion depth mismatch"
        # (python/cpython#106905). Single-threaded, that cannot happen.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--seed",
        str(args.seed),
        "--no-color",
    ]
    print(f"\n=== schemathesis as {role} ===", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    print(f"=== {role}: exit {result.returncode} in {time.monotonic() - started:.0f} s ===", flush=True)
    return result.returncode


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=int(os.environ.get("ST_EXAMPLES", 15)))
    parser.add_argument("--roles", default="admin,member,manager")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("ST_SEED", 1)))
    args = parser.parse_args()
    fresh_database()
    world = seed()
    from bench.load import free_port, start_gunicorn, stop

    port = free_port(*PORTS)
    failed = []
    with tempfile.TemporaryDirectory() as media:
        env = server_env(media)
        manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
        subprocess.run(manage, cwd=ROOT, env=env, check=True)
        proc = start_gunicorn(env, port, workers=2)
        try:
            for role in args.roles.split(","):
                if run_schemathesis(port, role, token(world["users"][role]), world["ids"], args):
                    failed.append(role)
        finally:
            stop(proc)
    if failed:
        raise SystemExit(f"schemathesis failed as: {', '.join(failed)}")
    print("schemathesis: every operation passed every check as " + args.roles)


if __name__ == "__main__":
    main()
