"""FilterSets of the public directory and the solution marketplace: by name, type, product,
industry and region (the partner's country or a region it serves)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from incentives.models import Product
from marketplace.models import Listing
from partners.models import Industry, Partner, PartnerType


def _product_choice():
    return django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=Product.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("All products"),
        method="filter_product",
    )


def _industry_choice(method: str | None = None):
    return django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.active(),
        to_field_name="code",
        empty_label=_("All industries"),
        method=method,
        field_name="industries",
    )


def _region_choice():
    return django_filters.ChoiceFilter(
        label=_("Country or region"), choices=[], empty_label=_("All countries"), method="filter_region"
    )


class _PublicFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["country"].extra["choices"] = list(countries)
        self.form.fields["industry"].label_from_instance = lambda obj: obj.name
        self.form.fields["product"].label_from_instance = lambda obj: obj.label

    @property
    def qs(self):
        # Invalid: nothing filtered (and no DISTINCT), as before the FilterSet.
        return super().qs.distinct() if self.is_bound and self.form.is_valid() else self.queryset.all()


class DirectoryFilterSet(_PublicFilterSet):
    """The public partner directory. A product matches the partners with a public listing
    tagged with it; an industry, a partner of that industry or with such a listing."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    partner_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=PartnerType.choices, empty_label=_("All types")
    )
    country = _region_choice()
    industry = _industry_choice(method="filter_industry")
    product = _product_choice()

    class Meta:
        model = Partner
        fields = ["q", "partner_type", "country", "industry", "product"]

    def filter_region(self, qs, name, value):
        return qs.filter(Q(country=value) | Q(regions__contains=value))

    def filter_industry(self, qs, name, value):
        listed = Listing.objects.public().filter(partner=OuterRef("pk"), industries=value)
        return qs.filter(Q(industries=value) | Q(Exists(listed)))

    def filter_product(self, qs, name, value):
        return qs.filter(Exists(Listing.objects.public().filter(partner=OuterRef("pk"), products=value)))


class ListingFilterSet(_PublicFilterSet):
    """The public solution marketplace: words in the name or description (either language)."""

    q = django_filters.CharFilter(label=_("Keyword"), method="filter_q")
    country = _region_choice()
    industry = _industry_choice()
    product = _product_choice()
    pricing_model = django_filters.ChoiceFilter(
        label=_("Pricing model"), choices=Listing.Pricing.choices, empty_label=_("All pricing models")
    )

    class Meta:
        model = Listing
        fields = ["q", "product", "industry", "country", "pricing_model"]

    def filter_q(self, qs, name, value):
        return qs.filter(
            Q(name_ja__icontains=value)
            | Q(name_en__icontains=value)
            | Q(description_ja__icontains=value)
            | Q(description_en__icontains=value)
            | Q(partner__name__icontains=value)
        )

    def filter_region(self, qs, name, value):
        return qs.filter(Q(partner__country=value) | Q(partner__regions__contains=value))

    def filter_product(self, qs, name, value):
        return qs.filter(products=value)
