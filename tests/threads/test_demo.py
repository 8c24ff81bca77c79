import io

from django.core import mail

from threads.models import Message, Thread


def test_demo_seed_is_idempotent_and_sends_nothing(db):
    from devtools import logins
    from partners import demo as partners_demo
    from threads import demo

    out = io.StringIO()
    logins.seed(out)
    partners_demo.seed(out)
    demo.seed(out)
    counts = (Thread.objects.count(), Message.objects.count())
    demo.seed(out)
    assert (Thread.objects.count(), Message.objects.count()) == counts
    assert counts[0] == 12
    assert Message.objects.filter(kind=Message.Kind.INTERNAL).exists()
    assert set(Thread.objects.values_list("status", flat=True)) == set(Thread.Status.values)
    assert {"sakura-systems", "northwind-solutions"} <= set(
        Thread.objects.values_list("partner__slug", flat=True)
    )
    assert mail.outbox == []
