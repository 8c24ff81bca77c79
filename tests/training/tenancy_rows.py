"""Training's pages in the URL-by-role matrix. Their data (partner A's plan, a course, a
certificate earned by A's member) is made once per world by onboarding's rows: a task title
of A's plan and A's member's name are what must not leak."""

from tests.onboarding.tenancy_rows import a_data, a_leaks, setup
from tests.tenancy import PARTNER, PUBLIC, ROLES, Row, expect

ROWS = [
    Row("training:index", PARTNER, kwargs=setup, leaks=a_leaks),
    Row("training:course", PARTNER, kwargs=lambda w: {"slug": a_data(w)["course"].slug}, leaks=a_leaks),
    Row(
        "training:lesson",
        PARTNER,
        kwargs=lambda w: {"slug": a_data(w)["course"].slug, "pk": a_data(w)["lesson"].pk},
        leaks=a_leaks,
    ),
    Row("training:quiz", PARTNER, kwargs=lambda w: {"slug": a_data(w)["course"].slug}, leaks=a_leaks),
    # The certificate page is public by design: whoever holds the unguessable link may verify it.
    Row(
        "training:certificate",
        PUBLIC,
        kwargs=lambda w: {"code": a_data(w)["award"].code},
        insiders=set(ROLES),
    ),
    # Unsigned calls are refused for everyone; a signature, not a session, authenticates the LMS.
    Row(
        "training:lms_webhook",
        expect(403),
        kwargs=lambda w: {"slug": _lms(w).slug},
        method="post",
    ),
]


def _lms(w):
    from training.models import ExternalLMS

    return ExternalLMS.objects.get_or_create(slug="tenancy-lms", defaults={"name": "LMS"})[0]
