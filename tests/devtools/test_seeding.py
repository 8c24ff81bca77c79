import pytest

from devtools.seeding import insert_select
from partners.models import Partner


@pytest.mark.django_db
def test_it_fills_the_columns_it_is_not_given_from_the_model():
    rows = insert_select(
        Partner,
        {"name": "'Seed ' || g", "slug": "'seed-' || g", "partner_type": "'sales'", "country": "'JP'"},
        "FROM generate_series(1, %(n)s) g",
        {"n": 3},
    )
    assert rows == 3
    partner = Partner.objects.get(slug="seed-2")
    # Defaults (status, directory_listed), blank text (company_size, website), auto_now.
    assert partner.status == Partner._meta.get_field("status").default
    assert partner.company_size == "" and partner.website == ""
    assert partner.created_at is not None


@pytest.mark.django_db
def test_it_names_an_unknown_field_and_a_missing_required_one():
    required = {"name": "'x'", "slug": "'x'", "partner_type": "'sales'", "country": "'JP'"}
    with pytest.raises(ValueError, match="no field"):
        insert_select(Partner, {**required, "nope": "1"})
    with pytest.raises(ValueError, match=r"Partner\.name is required"):
        insert_select(Partner, {"slug": "'x'"})
