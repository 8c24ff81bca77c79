"""The staff deal review queue at growing sizes: a flat query count, a capped count."""

import pytest
from django.urls import reverse

from incentives.models import Deal
from prm.ui.pagination import CappedPaginator
from tests.factories import PartnerFactory
from tests.incentives.factories import DealFactory


@pytest.mark.parametrize("role", ["manager_a", "superuser"])
def test_review_queue_query_count_does_not_grow(role, world, client_for, django_assert_max_num_queries):
    client = client_for(world.user(role))
    url = reverse("incentives:staff_deals")
    DealFactory.create_batch(2, partner=world.partner_a)
    client.get(url)
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    for partner in PartnerFactory.create_batch(5):
        DealFactory.create_batch(3, partner=partner)
    DealFactory.create_batch(30, partner=world.partner_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def test_a_narrowed_scope_sees_only_its_partners(world, client_for):
    mine = DealFactory(partner=world.partner_a, customer_company="Mine KK")
    other = DealFactory(partner=world.partner_b, customer_company="Not mine KK")
    page = client_for(world.manager_a).get(reverse("incentives:staff_deals")).getvalue().decode()
    assert mine.customer_company in page and other.customer_company not in page


def test_the_capped_paginator_counts_up_to_its_cap(world):
    DealFactory.create_batch(7, partner=world.partner_a)
    qs = Deal.objects.order_by("pk")
    paginator = CappedPaginator(qs, 2, cap=5)
    assert paginator.count == 5 and paginator.capped and paginator.num_pages == 3
    assert list(paginator.get_page(3).object_list) == list(qs[4:5])  # the last page ends at the cap
    exact = CappedPaginator(qs, 2, cap=10)
    assert exact.count == 7 and not exact.capped


def test_the_pagination_says_more_than_when_capped(world, client_for, monkeypatch):
    from prm.ui import pagination

    monkeypatch.setattr(pagination.CappedPaginator, "__init__", _small_cap)
    DealFactory.create_batch(40, partner=world.partner_a)
    page = client_for(world.manager_a).get(reverse("incentives:staff_deals")).getvalue().decode()
    assert "30件以上のうち" in page


_init = CappedPaginator.__init__


def _small_cap(self, *args, cap, **kwargs):
    _init(self, *args, cap=30, **kwargs)


def test_the_staff_home_link_counts_the_queue_up_to_its_cap(world, client_for, monkeypatch):
    from incentives import staff_views

    monkeypatch.setattr(staff_views, "STAFF_LINK_COUNT_CAP", 3)
    client = client_for(world.manager_a)
    DealFactory.create_batch(2, partner=world.partner_a)
    DealFactory.create_batch(5, partner=world.partner_b)  # outside manager_a's scope
    assert "審査待ち2件" in client.get(reverse("dashboard:index")).getvalue().decode()
    DealFactory.create_batch(2, partner=world.partner_a)
    assert "審査待ち3件超" in client.get(reverse("dashboard:index")).getvalue().decode()
