from tests.tenancy import LOGIN, PARTNER, PARTNER_OBJECT, STAFF, Row, expect

SUBJECT = "Confidential rollout question 91b2"


def thread_a(w):
    """Partner A's thread with a public answer, an attachment and an internal note (once per world)."""
    if not hasattr(w, "_thread_a"):
        from tests.threads.factories import answered_thread

        w._thread_a = answered_thread(w, with_attachment=True, subject=SUBJECT)
    return w._thread_a


def thread_kw(w):
    return {"pk": thread_a(w).pk}


def attachment_kw(w):
    return {"pk": thread_a(w).messages.get(attachments__isnull=False).attachments.get().pk}


def leaks(w):
    thread_a(w)
    return [SUBJECT]


# A staff page about one of partner A's threads: A's manager and support only.
STAFF_OBJECT_A = expect(403, anon=LOGIN, manager_a=200, manager_other=404, support=200)
STAFF_POST_A = expect(403, anon=LOGIN, manager_a=302, manager_other=404, support=302)

ROWS = [
    Row("threads:list", PARTNER, leaks=leaks),
    Row("threads:list", PARTNER, leaks=leaks, query="?format=csv"),
    Row("threads:new", PARTNER, leaks=leaks),
    Row("threads:new", PARTNER, leaks=leaks, query="?about=content.asset:1&category=content"),
    Row(
        "threads:mark_all_read",
        expect(302, anon=LOGIN, manager_a=404, manager_other=404, support=404),
        method="post",
    ),
    Row("threads:detail", PARTNER_OBJECT, kwargs=thread_kw, leaks=leaks),
    Row("threads:detail", PARTNER_OBJECT, kwargs=thread_kw, leaks=leaks, query="?format=csv"),
    Row(
        "threads:status",
        expect(404, anon=LOGIN, member_a=302, admin_a=302),
        kwargs=thread_kw,
        method="post",
        data=lambda w: {"action": "close"},
    ),
    Row("threads:attachment", {**PARTNER_OBJECT, "anon": 404}, kwargs=attachment_kw),
    Row("threads:inbox", STAFF, leaks=leaks),
    Row("threads:inbox", STAFF, leaks=leaks, query="?format=csv"),
    Row("threads:metrics", STAFF, leaks=leaks),
    Row("threads:metrics", STAFF, leaks=leaks, query="?format=csv&table=people"),
    Row("threads:staff_detail", STAFF_OBJECT_A, kwargs=thread_kw, leaks=leaks),
    # Partner 360's "Message": a new thread to partner A (its manager and support only).
    Row("threads:staff_new", STAFF_OBJECT_A, kwargs=lambda w: {"partner_pk": w.partner_a.pk}),
    Row(
        "threads:staff_new",
        STAFF_POST_A,
        kwargs=lambda w: {"partner_pk": w.partner_a.pk},
        method="post",
        data=lambda w: {"subject": "From the vendor", "category": "other", "body": "Hello"},
    ),
    Row(
        "threads:staff_assign",
        STAFF_POST_A,
        kwargs=thread_kw,
        method="post",
        data=lambda w: {"assignee": "me"},
    ),
    Row(
        "threads:staff_status",
        STAFF_POST_A,
        kwargs=thread_kw,
        method="post",
        data=lambda w: {"action": "close"},
    ),
    Row(
        "threads:staff_knowledge",
        STAFF_POST_A,
        kwargs=thread_kw,
        method="post",
        data=lambda w: {"message": thread_a(w).messages.filter(by_staff=True).first().pk},
    ),
    Row("threads:staff_attachment", {**STAFF_OBJECT_A, "anon": 404}, kwargs=attachment_kw),
]
