"""The export of each import kind: the import's own columns, so the file re-imports to no
change (prm.exports.columns). Headers in the reader's language; both are accepted back."""

from django.utils import translation

from imports.kinds import ASSETS, CERTIFICATIONS, DEALS, LEADS, MEMBERS, PARTNERS, Kind
from prm.exports.columns import Column


def _header(kind: Kind, key: str) -> str:
    column = next(c for c in kind.columns if c.key == key)
    return column.ja if (translation.get_language() or "").startswith("ja") else column.en


def _columns(kind: Kind, values: dict) -> list[Column]:
    return [Column(_header(kind, c.key), values.get(c.key, lambda row: "")) for c in kind.columns]


def partner_columns() -> list[Column]:
    return _columns(
        PARTNERS,
        {
            "external_id": lambda p: p.external_id,
            "name": lambda p: p.name,
            "name_kana": lambda p: p.name_kana,
            "partner_type": lambda p: p.partner_type,
            "country": lambda p: p.country.code or "",
            "website": lambda p: p.website,
            "company_size": lambda p: p.company_size,
            "description": lambda p: p.description,
        },
    )


def member_columns() -> list[Column]:
    return _columns(
        MEMBERS,
        {
            "partner_external_id": lambda m: m.partner.external_id,
            "email": lambda m: m.user.email,
            "role": lambda m: m.role,
            "language": lambda m: m.user.language,
        },
    )


def deal_columns() -> list[Column]:
    return _columns(
        DEALS,
        {
            "partner_external_id": lambda d: d.partner.external_id,
            "external_id": lambda d: d.external_id,
            "customer_company": lambda d: d.customer_company,
            "customer_company_kana": lambda d: d.customer_company_kana,
            "customer_domain": lambda d: d.customer_domain,
            "contact_name": lambda d: d.contact_name,
            "contact_email": lambda d: d.contact_email,
            "contact_phone": lambda d: d.contact_phone,
            "product": lambda d: d.product.code,
            "amount": lambda d: f"{d.amount:f}",
            "currency": lambda d: d.currency,
            "expected_close_date": lambda d: d.expected_close_date.isoformat(),
            "stage": lambda d: d.stage,
            "notes": lambda d: d.notes,
        },
    )


def certification_columns() -> list[Column]:
    return _columns(
        CERTIFICATIONS,
        {
            "partner_external_id": lambda a: a.partner.external_id,
            "email": lambda a: a.user.email,
            "certification": lambda a: a.certification.slug,
            "issued_on": lambda a: a.issued_on.isoformat(),
            "valid_until": lambda a: a.valid_until.isoformat(),
        },
    )


def lead_columns() -> list[Column]:
    return _columns(
        LEADS,
        {
            "external_id": lambda lead: lead.external_id,
            "company": lambda lead: lead.company,
            "company_kana": lambda lead: lead.company_kana,
            "contact_name": lambda lead: lead.contact_name,
            "contact_name_kana": lambda lead: lead.contact_name_kana,
            "contact_email": lambda lead: lead.contact_email,
            "contact_phone": lambda lead: lead.contact_phone,
            "need": lambda lead: lead.need,
            "region": lambda lead: lead.region,
            "product": lambda lead: lead.product.code if lead.product_id else "",
            "value_estimate_jpy": lambda lead: f"{lead.value_estimate_jpy:f}",
            "source": lambda lead: lead.source,
            "partner": lambda lead: lead.offered_to or "",
        },
    )


def asset_columns() -> list[Column]:
    return _columns(
        ASSETS,
        {
            "external_id": lambda a: a.external_id,
            "language": lambda a: a.language,
            "title": lambda a: a.title,
            "summary": lambda a: a.summary,
            "kind": lambda a: a.kind,
            "url": lambda a: a.url,
            "stages": lambda a: ", ".join(a.stages),
            "partner_types": lambda a: ", ".join(a.partner_types),
            "min_tier": lambda a: a.min_tier.name if a.min_tier_id else "",
            "tags": lambda a: ", ".join(sorted(t.name for t in a.tags.all())),
        },
    )
