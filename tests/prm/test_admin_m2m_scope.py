"""Saving in the admin never widens an audience (issue 21, finding 3).

The attack: a manager who sees only some partners saves a campaign targeted at partners
outside their scope. The widget offers only their partners, `save_m2m()` used to drop the
others, and an empty named-partner list means "everyone". Now every many-to-many field whose
choices are narrowed to the staff user's scope keeps its out-of-scope relations on save
(found by introspection below: a new field is covered without a new test), and a campaign
or announcement whose audience would widen asks for confirmation first.
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from partners.models import Partner, PartnerType
from prm.access.admin_mixins import AuditedAdminMixin, SuperuserOnlyAdminMixin, is_scoped_model
from promotion.models import Announcement, Campaign
from tests.factories import PartnerFactory
from tests.prm.admin_rows import ROWS
from tests.promotion.factories import CampaignFactory

pytestmark = pytest.mark.django_db


class FormData(HTMLParser):
    """What a browser submits for the admin's change form (#<model>_form)."""

    def __init__(self):
        super().__init__()
        self.data, self.inside, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file", "button", "image"):
                self.data.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.data.append((self.select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append(tuple(self.textarea))
            self.textarea = None


def form_data(html: str, **replace) -> dict:
    parser = FormData()
    parser.feed(html)
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data.update({k: v if isinstance(v, list) else [v] for k, v in replace.items()})
    data.pop("_addanother", None), data.pop("_continue", None)
    return data


def scoped_m2m_fields():
    """(model, field) for every many-to-many field an admin (or inline) edits whose choices
    are narrowed to the staff user's partners."""
    found = []
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)]
        for each in admins:
            if not isinstance(each, AuditedAdminMixin) or isinstance(each, SuperuserOnlyAdminMixin):
                continue  # superuser-only admins narrow nothing
            readonly = set(each.readonly_fields)
            for field in each.model._meta.many_to_many:
                if field.editable and field.name not in readonly and is_scoped_model(field.related_model):
                    found.append((each.model, field.name))
    return sorted(set(found), key=lambda f: (f[0]._meta.label, f[1]))


SCOPED = scoped_m2m_fields()


def test_introspection_finds_the_scoped_fields():
    assert (Campaign, "named_partners") in SCOPED


def _in_and_out(world, related):
    if related is Partner:
        return world.partner_a, world.partner_b
    if related is get_user_model():
        return world.member_a, world.admin_b
    raise AssertionError(f"Add an in-scope and an out-of-scope {related._meta.label} for the test here.")


def _object(world, model):
    row = ROWS.get(model._meta.label_lower)
    assert row is not None, f"{model._meta.label} has no admin row (tests/prm/admin_rows.py)"
    obj = row.make(world)
    return obj if isinstance(obj, model) else model._default_manager.get(pk=obj.pk)


def _change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


@pytest.mark.parametrize(("model", "name"), SCOPED, ids=[f"{m._meta.label}.{n}" for m, n in SCOPED])
def test_a_narrowed_manager_saving_keeps_what_they_cannot_see(world, client_for, model, name):
    related = model._meta.get_field(name).related_model
    inside, outside = _in_and_out(world, related)
    obj = _object(world, model)
    getattr(obj, name).set([inside, outside])
    manager = client_for(world.manager_a)
    page = manager.get(_change_url(obj)).content.decode()
    assert "保存しても保持されます" in page  # the form says so
    data = form_data(page, confirm_audience_widening="on")
    assert data.get(name) == [str(inside.pk)]  # the widget offers only the manager's partners
    response = manager.post(_change_url(obj), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(getattr(obj, name).all()) == {inside, outside}
    # Removing what they can see removes that only.
    data[name] = []
    assert manager.post(_change_url(obj), data).status_code == 302
    assert set(getattr(obj, name).all()) == {outside}
    # A superuser sees everything, and may remove everything.
    root = client_for(world.superuser)
    data = form_data(root.get(_change_url(obj)).content.decode(), confirm_audience_widening="on")
    data[name] = []
    assert root.post(_change_url(obj), data).status_code == 302
    assert not getattr(obj, name).exists()


def _campaign(world, named):
    campaign = CampaignFactory(status=Campaign.Status.PUBLISHED, partner_types=[PartnerType.DELIVERY])
    campaign.named_partners.set(named)
    return campaign


def test_a_manager_removing_their_only_partner_cannot_open_the_campaign_to_everyone(world, client_for):
    hidden = _campaign(world, [world.partner_a, world.partner_b])
    manager = client_for(world.manager_a)
    data = form_data(manager.get(_change_url(hidden)).content.decode(), named_partners=[])
    assert manager.post(_change_url(hidden), data).status_code == 302  # B stays: no widening
    assert list(hidden.named_partners.all()) == [world.partner_b]


def test_emptying_the_named_partners_asks_for_confirmation(world, client_for):
    campaign = _campaign(world, [world.partner_a])
    manager = client_for(world.manager_a)
    data = form_data(manager.get(_change_url(campaign)).content.decode(), named_partners=[])
    response = manager.post(_change_url(campaign), data)
    page = response.content.decode()
    assert response.status_code == 200 and "これまでより多くのパートナーに表示されます" in page
    assert list(campaign.named_partners.all()) == [world.partner_a]  # nothing saved yet
    assert 'type="checkbox" name="confirm_audience_widening"' in page
    data["confirm_audience_widening"] = ["on"]
    assert manager.post(_change_url(campaign), data).status_code == 302
    assert not campaign.named_partners.exists()


@pytest.mark.parametrize(
    ("change", "widens"),
    [
        ({"partner_types": []}, True),  # emptied: every type
        ({"partner_types": [PartnerType.DELIVERY, PartnerType.SALES]}, True),
        ({"partner_types": [PartnerType.DELIVERY]}, False),
        ({"status": Campaign.Status.DRAFT, "partner_types": []}, False),  # not shown to anyone
    ],
)
def test_campaign_audience_rules(world, client_for, change, widens):
    campaign = _campaign(world, [])
    root = client_for(world.superuser)
    data = form_data(root.get(_change_url(campaign)).content.decode(), **change)
    response = root.post(_change_url(campaign), data)
    assert (response.status_code == 200) is widens


def test_an_announcement_opened_to_every_type_asks_first(world, client_for):
    announcement = Announcement.objects.create(
        title_ja="お知らせ", title_en="News", partner_types=[PartnerType.SALES], is_published=True
    )
    root = client_for(world.superuser)
    data = form_data(root.get(_change_url(announcement)).content.decode(), partner_types=[])
    assert root.post(_change_url(announcement), data).status_code == 200
    announcement.refresh_from_db()
    assert announcement.partner_types == [PartnerType.SALES]
    data["confirm_audience_widening"] = ["on"]
    assert root.post(_change_url(announcement), data).status_code == 302
    announcement.refresh_from_db()
    assert announcement.partner_types == []


def test_a_narrower_audience_needs_no_confirmation(world, client_for):
    campaign = _campaign(world, [])
    PartnerFactory()
    root = client_for(world.superuser)
    data = form_data(
        root.get(_change_url(campaign)).content.decode(), named_partners=[str(world.partner_a.pk)]
    )
    assert root.post(_change_url(campaign), data).status_code == 302
    assert list(campaign.named_partners.all()) == [world.partner_a]
