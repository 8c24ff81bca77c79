"""What each kind of import reads: its columns (English or Japanese headers), how a row is
checked against what exists, and which service writes it.

A row is checked with the model fields' own form fields (the validation the portal's forms
use: lengths, choices, e-mail, `WebURLFormField` for web addresses) and against lookups made
once per import (`Lookups`), so checking 10,000 rows costs a handful of queries. Its outcome:
`new`, `update` (the columns that change), `skip` (nothing changes) or `error` (why)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from guardian.models import UserObjectPermission

from content import services as content_services
from content.models import Asset
from incentives import services as incentives_services
from incentives.models import Deal, Product, Tier
from leads import queries as leads_queries
from leads import services as leads_services
from leads.models import Lead, LeadOffer, Prefecture
from partners import services as partners_services
from partners.models import CompanySize, Invitation, Membership, Partner, PartnerType
from prm.tenancy import partners_for_staff
from training import services as training_services
from training.models import Certification, UserCertification

NEW, UPDATE, SKIP, ERROR = "new", "update", "skip", "error"
ACTIONS = (NEW, UPDATE, SKIP, ERROR)
# A cell a spreadsheet would run as a formula when the file is opened again (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
YES = {"1", "yes", "y", "true", "はい", "有", "あり", "○", "同意"}


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, size, headers): no row is checked."""


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    ja: str
    required: bool = False
    # A number or a date: may start with "-" (anything else is text, checked for formulas).
    numeric: bool = False


def _norm(header: str) -> str:
    return re.sub(r"[\s_*（）()]+", "", header).lower()


@dataclass
class Outcome:
    sheet: str
    line: int
    key: str
    action: str
    message: str = ""
    # What the write needs (not stored): the cleaned values and the existing object.
    data: dict = field(default_factory=dict)
    target: object = None

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "line": self.line,
            "key": self.key,
            "action": self.action,
            "message": self.message,
        }


@functools.cache
def choice_values(choices_class) -> dict[str, str]:
    """Value, English label and Japanese label (normalised) -> value (the catalogues are
    loaded once per process, so the table is too)."""
    table = {}
    for value, _label in choices_class.choices:
        table[_norm(value)] = value
        for language in ("en", "ja"):
            with translation.override(language):
                table[_norm(str(choices_class(value).label))] = value
    return table


class Lookups:
    """Everything the rows of one import are checked against, read once (set-based)."""

    def __init__(self, user, sheets):
        self.user = user
        keys = {sheet.kind.key: sheet.rows for sheet in sheets}
        partner_ids_named = {row.get("external_id", "") for _line, row in keys.get("partners", [])}
        for kind in ("members", "deals", "certifications"):
            partner_ids_named |= {row.get("partner_external_id", "") for _line, row in keys.get(kind, [])}
        partner_ids_named.discard("")
        self.partners = {p.external_id: p for p in Partner.objects.filter(external_id__in=partner_ids_named)}
        ids = [p.pk for p in self.partners.values()]
        self.visible = set(partners_for_staff(user).filter(pk__in=ids).values_list("pk", flat=True))
        self.may_add_partners = user.has_perm("partners.add_partner")
        self.new_partners: set[str] = set()  # external ids the partners sheet creates
        User = get_user_model()
        owner_emails = {row.get("owner_email", "").lower() for _line, row in keys.get("partners", [])}
        owner_emails.discard("")
        self.staff = {u.email.lower(): u for u in User.objects.filter(email__in=owner_emails, is_staff=True)}
        self.owners = set(
            UserObjectPermission.objects.filter(
                permission__codename="manage_partner",
                content_type__app_label="partners",
                object_pk__in=[str(pk) for pk in ids],
            ).values_list("user_id", "object_pk")
        )
        self.members = {
            (m.partner_id, m.user.email.lower()): m
            for m in Membership.objects.filter(partner_id__in=ids).select_related("user")
        }
        self.invited = {
            (i.partner_id, i.email.lower()): i
            for i in Invitation.objects.filter(partner_id__in=ids).pending()
        }
        deal_keys = {row.get("external_id", "") for _line, row in keys.get("deals", [])}
        self.deals = {
            (d.partner_id, d.external_id): d
            for d in Deal.objects.filter(partner_id__in=ids, external_id__in=deal_keys - {""})
        }
        self.certifications = {}
        for cert in Certification.objects.all():
            for name in {cert.slug, cert.name, getattr(cert, "name_ja", ""), getattr(cert, "name_en", "")}:
                if name:
                    self.certifications.setdefault(name.lower(), cert)
        self.awards = (
            {
                (a.user_id, a.certification_id, a.issued_on): a
                for a in UserCertification.objects.filter(partner_id__in=ids, revoked=False)
            }
            if keys.get("certifications")
            else {}
        )
        self.products = {}
        for product in Product.objects.filter(is_active=True):
            self.products[product.code.lower()] = product
            for name in {product.name, getattr(product, "name_ja", ""), getattr(product, "name_en", "")}:
                if name:
                    self.products.setdefault(name.lower(), product)
        self._lead_lookups(user, keys.get("leads", []))
        self._asset_lookups(user, keys.get("assets", []))
        self.invite_limit = getattr(settings, "PARTNERS_INVITE_RATE_LIMIT", (20, 3600))[0]
        self.invitations: dict[str, int] = {}  # new invitations per partner in this import

    def _lead_lookups(self, user, rows) -> None:
        """The leads a leads sheet names (by external id), the partners it offers them to (by
        slug or external id, among those the person manages) and the offers made already."""
        lead_keys = {row.get("external_id", "") for _line, row in rows} - {""}
        self.leads = {lead.external_id: lead for lead in Lead.objects.filter(external_id__in=lead_keys)}
        self.visible_leads = set(
            leads_queries.staff_leads(user)
            .filter(pk__in=[lead.pk for lead in self.leads.values()])
            .values_list("pk", flat=True)
        )
        names = {row.get("partner", "") for _line, row in rows} - {""}
        named = Partner.objects.filter(Q(slug__in=names) | Q(external_id__in=names))
        self.lead_partners: dict[str, Partner] = {}
        for partner in named:
            for name in (partner.slug, partner.external_id):
                if name in names:
                    self.lead_partners[name] = partner
        self.lead_partners_visible = set(
            partners_for_staff(user).filter(pk__in=[p.pk for p in named]).values_list("pk", flat=True)
        )
        self.lead_offers = set(
            LeadOffer.objects.filter(lead__in=self.leads.values()).values_list("lead_id", "partner_id")
        )

    def _asset_lookups(self, user, rows) -> None:
        asset_keys = {row.get("external_id", "") for _line, row in rows} - {""}
        self.assets = {
            a.external_id: a
            for a in Asset.objects.filter(external_id__in=asset_keys).prefetch_related("tags")
        }
        self.may_edit_library = user.has_perms(["content.add_asset", "content.change_asset"])
        self.tiers = {}
        if rows:
            for tier in Tier.objects.all():
                for name in {
                    tier.name,
                    getattr(tier, "name_ja", ""),
                    getattr(tier, "name_en", ""),
                    str(tier.rank),
                }:
                    if name:
                        self.tiers.setdefault(name.lower(), tier)

    def partner_for(self, external_id: str) -> tuple[Partner | str | None, str]:
        """The partner a member or deal row names: a Partner, the external id of one the
        partners sheet creates, or None with the reason."""
        partner = self.partners.get(external_id)
        if partner is not None:
            if partner.pk not in self.visible:
                return None, _("Partner %(id)s is not one of the partners you manage.") % {"id": external_id}
            return partner, ""
        if external_id in self.new_partners:
            return external_id, ""
        return None, _("No partner has the external id %(id)s.") % {"id": external_id}


class Kind:
    key = ""
    sheet_ja = ""
    label = gettext_lazy("rows")
    columns: list[Column] = []
    examples: list[dict] = []

    def columns_for(self, headers: list[str]) -> dict[int, str]:
        """{position: column key} for the file's header row (English, Japanese or the key)."""
        names = {}
        for column in self.columns:
            for name in (column.key, column.en, column.ja):
                names[_norm(name)] = column.key
        found, unknown = {}, []
        for index, header in enumerate(headers):
            if not header:
                continue
            key = names.get(_norm(header))
            if key is None:
                unknown.append(header)
            elif key in found.values():
                raise ImportFileError(_("The column “%(name)s” appears twice.") % {"name": header})
            else:
                found[index] = key
        if unknown:
            raise ImportFileError(
                _("Unknown column(s) in the %(sheet)s sheet: %(names)s. Use the template's headers.")
                % {"sheet": self.key, "names": ", ".join(unknown)}
            )
        missing = [c for c in self.columns if c.required and c.key not in found.values()]
        if missing:
            raise ImportFileError(
                _("The %(sheet)s sheet lacks the column(s): %(names)s.")
                % {"sheet": self.key, "names": ", ".join(f"{c.ja} / {c.en}" for c in missing)}
            )
        return found

    def headers(self, language: str) -> list[str]:
        return [c.ja if language == "ja" else c.en for c in self.columns]

    # --- checking ---------------------------------------------------------------------

    def row_errors(self, row: dict) -> list[str]:
        errors = []
        for column in self.columns:
            value = row.get(column.key, "")
            if column.required and not value:
                errors.append(_("%(column)s is required.") % {"column": column.en})
            elif value.startswith(FORMULA_START) and not (column.numeric and _is_number(value)):
                errors.append(
                    _("%(column)s starts with “%(char)s”, which a spreadsheet would run as a formula.")
                    % {"column": column.en, "char": value[0].strip() or "tab"}
                )
        return errors

    @functools.cache  # noqa: B019 - one per kind (three module-level objects), never freed anyway
    def formfield(self, name: str):
        """The model field's own form field (lengths, choices, e-mail, web address rules)."""
        model_field = self.model._meta.get_field(name)  # type: ignore[attr-defined]
        return model_field, model_field.formfield()

    def clean(self, row: dict, names: list[str]) -> tuple[dict, list[str]]:
        """The model fields' form fields clean the given columns (blank columns are left out)."""
        data, errors = {}, []
        for name in names:
            if name not in row or row[name] == "":
                continue
            model_field, formfield = self.formfield(name)
            try:
                data[name] = formfield.clean(row[name])
            except ValidationError as exc:
                errors.append(f"{model_field.verbose_name}: {' '.join(exc.messages)}")
        return data, errors

    def check(self, line: int, row: dict, lookups: Lookups) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, outcome: Outcome, lookups: Lookups, actor) -> None:  # pragma: no cover - abstract
        """Write one `update` row through the owning app's service."""
        raise NotImplementedError

    def create_many(self, outcomes: list[Outcome], lookups: Lookups, actor) -> None:  # pragma: no cover
        """Write the `new` rows through the owning app's set-based service."""
        raise NotImplementedError


def _is_number(value: str) -> bool:
    """A negative amount, a date or a phone number such as +81-3-1234-5678."""
    return re.fullmatch(r"[+-]?[\d\s\-().,/]+", value) is not None


def _choice(row: dict, name: str, table: dict, errors: list, label: str):
    value = row.get(name, "")
    if not value:
        return
    found = table.get(_norm(value))
    if found is None:
        errors.append(
            _("%(column)s: “%(value)s” is not one of the choices.") % {"column": label, "value": value}
        )
    else:
        row[name] = found


class PartnerKind(Kind):
    key = "partners"
    sheet_ja = "代理店"
    label = gettext_lazy("partners")
    model = Partner
    columns = [
        Column("external_id", "External ID", "外部ID", required=True),
        Column("name", "Company name", "会社名", required=True),
        Column("name_kana", "Company name reading", "会社名フリガナ"),
        Column("partner_type", "Partner type", "パートナー種別", required=True),
        Column("country", "Country", "国"),
        Column("website", "Website", "ウェブサイト"),
        Column("company_size", "Company size", "企業規模"),
        Column("description", "Description", "会社概要"),
        Column("owner_email", "Channel manager e-mail", "担当チャネルマネージャーのメール"),
    ]
    examples = [
        {
            "external_id": "P-0001",
            "name": "さくらシステムズ株式会社",
            "name_kana": "",
            "partner_type": "sales",
            "country": "JP",
            "website": "https://sakura-systems.example.jp",
            "company_size": "",
            "description": "関西の中堅企業向けSIer",
            "owner_email": "",
        },
        {
            "external_id": "P-0002",
            "name": "Blue Harbor Consulting",
            "name_kana": "ブルーハーバーコンサルティング",
            "partner_type": "delivery",
            "country": "US",
            "website": "https://blueharbor.example.com",
            "company_size": "",
            "description": "",
            "owner_email": "",
        },
    ]
    FIELDS = partners_services.IMPORT_FIELDS

    def check(self, line, row, lookups):
        key = row.get("external_id", "")
        errors = self.row_errors(row)
        _choice(row, "partner_type", choice_values(PartnerType), errors, "Partner type")
        _choice(row, "company_size", choice_values(CompanySize), errors, "Company size")
        if row.get("country"):
            row["country"] = row["country"].upper()
        data, field_errors = self.clean(row, list(self.FIELDS))
        errors += field_errors
        owner = None
        if row.get("owner_email"):
            owner = lookups.staff.get(row["owner_email"].lower())
            if owner is None:
                errors.append(_("No staff account has the e-mail %(email)s.") % {"email": row["owner_email"]})
        partner = lookups.partners.get(key)
        if partner is None and not errors and not lookups.may_add_partners:
            errors.append(_("You may not add partners: ask an administrator."))
        if partner is not None and partner.pk not in lookups.visible:
            errors.append(_("Partner %(id)s is not one of the partners you manage.") % {"id": key})
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        data["owner"] = owner
        if partner is None:
            lookups.new_partners.add(key)
            return Outcome(self.key, line, key, NEW, data=data)
        changed = [n for n in self.FIELDS if n in data and getattr(partner, n) != data[n]]
        if owner is not None and (owner.pk, str(partner.pk)) not in lookups.owners:
            changed.append("owner_email")
        if not changed:
            return Outcome(self.key, line, key, SKIP, target=partner)
        return Outcome(self.key, line, key, UPDATE, _changed(self, changed), data=data, target=partner)

    def write(self, outcome, lookups, actor):
        data = dict(outcome.data)
        owner = data.pop("owner", None)
        partners_services.partner_import_update(partner=outcome.target, data=data, actor=actor)
        self._own(outcome.target, owner, lookups, actor)

    def create_many(self, outcomes, lookups, actor):
        rows = [(o.key, {k: v for k, v in o.data.items() if k != "owner"}) for o in outcomes]
        partners = partners_services.partners_import_create_many(rows=rows, actor=actor)
        for outcome, partner in zip(outcomes, partners, strict=True):
            lookups.partners[outcome.key] = partner
            lookups.visible.add(partner.pk)
            self._own(partner, outcome.data.get("owner"), lookups, actor)

    def _own(self, partner, owner, lookups, actor):
        if owner is not None and (owner.pk, str(partner.pk)) not in lookups.owners:
            partners_services.partner_owner_assign(partner=partner, manager=owner, actor=actor)
            lookups.owners.add((owner.pk, str(partner.pk)))


def _changed(kind: Kind, keys: list[str]) -> str:
    labels = {c.key: c.en for c in kind.columns}
    return _("Changes: %(columns)s") % {"columns": ", ".join(labels.get(k, k) for k in keys)}


class MemberKind(Kind):
    """A partner's people: an invitation (e-mailed once the import commits) or, for someone
    already in the team, the role. The e-mail is the key."""

    key = "members"
    sheet_ja = "メンバー"
    label = gettext_lazy("members")
    model = Invitation
    columns = [
        Column("partner_external_id", "Partner external ID", "パートナー外部ID", required=True),
        Column("email", "E-mail", "メールアドレス", required=True),
        Column("role", "Role", "権限"),
        Column("language", "Language", "言語"),
    ]
    examples = [
        {
            "partner_external_id": "P-0001",
            "email": "tanaka@sakura-systems.example.jp",
            "role": "admin",
            "language": "ja",
        },
        {
            "partner_external_id": "P-0002",
            "email": "alex@blueharbor.example.com",
            "role": "member",
            "language": "en",
        },
    ]

    def check(self, line, row, lookups):
        email = row.get("email", "").strip().lower()
        key = f"{row.get('partner_external_id', '')}/{email}"
        errors = self.row_errors(row)
        _choice(row, "role", choice_values(Membership.Role), errors, "Role")
        language = row.get("language", "").lower() or "ja"
        if language not in dict(settings.LANGUAGES):
            errors.append(_("Language: use ja or en."))
        if email:
            try:
                forms.EmailField().clean(email)
            except ValidationError as exc:
                errors.append(f"{_('E-mail')}: {' '.join(exc.messages)}")
        partner, reason = lookups.partner_for(row.get("partner_external_id", ""))
        if reason:
            errors.append(reason)
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        role = row.get("role") or Membership.Role.MEMBER
        partner_id = partner.pk if isinstance(partner, Partner) else None
        member = lookups.members.get((partner_id, email))
        if member is not None:
            if not row.get("role") or member.role == role:
                return Outcome(self.key, line, key, SKIP)
            return Outcome(
                self.key, line, key, UPDATE, _changed(self, ["role"]), data={"role": role}, target=member
            )
        invitation = lookups.invited.get((partner_id, email))
        if invitation is not None:
            if invitation.role == role:
                return Outcome(self.key, line, key, SKIP)
            return Outcome(
                self.key,
                line,
                key,
                ERROR,
                _("%(email)s has a pending invitation as another role: revoke it on the team page first.")
                % {"email": email},
            )
        count = lookups.invitations[row["partner_external_id"]] = (
            lookups.invitations.get(row["partner_external_id"], 0) + 1
        )
        if count > lookups.invite_limit:
            return Outcome(
                self.key,
                line,
                key,
                ERROR,
                _(
                    "More than %(limit)s invitations for one partner in one import: import the rest in an hour."
                )
                % {"limit": lookups.invite_limit},
            )
        return Outcome(
            self.key,
            line,
            key,
            NEW,
            data={"partner": row["partner_external_id"], "email": email, "role": role, "language": language},
        )

    def write(self, outcome, lookups, actor):
        partners_services.membership_set_role(
            membership=outcome.target, role=outcome.data["role"], actor=actor
        )

    def create_many(self, outcomes, lookups, actor):
        partners_services.invitations_create_many(
            rows=[
                (lookups.partners[o.data["partner"]], o.data["email"], o.data["role"], o.data["language"])
                for o in outcomes
            ],
            actor=actor,
        )


class DealKind(Kind):
    """Open opportunities: registered through the registration service (conflicts flagged for
    the reviewer as for any registration), updated through the partner's update service."""

    key = "deals"
    sheet_ja = "案件"
    label = gettext_lazy("deals")
    model = Deal
    columns = [
        Column("partner_external_id", "Partner external ID", "パートナー外部ID", required=True),
        Column("external_id", "External ID", "外部ID", required=True),
        Column("customer_company", "Customer company", "顧客企業名", required=True),
        Column("customer_company_kana", "Customer company reading", "顧客企業名フリガナ"),
        Column("customer_domain", "Customer domain", "顧客ドメイン", required=True),
        Column("contact_name", "Contact name", "担当者名"),
        Column("contact_email", "Contact e-mail", "担当者メール"),
        Column("contact_phone", "Contact phone", "担当者電話番号", numeric=True),
        Column("contact_consent", "Contact consented", "担当者の同意"),
        Column("product", "Product code", "製品コード", required=True),
        Column("amount", "Amount", "金額", required=True, numeric=True),
        Column("currency", "Currency", "通貨"),
        Column("expected_close_date", "Expected close date", "受注予定日", required=True, numeric=True),
        Column("stage", "Stage", "ステージ"),
        Column("notes", "Notes", "メモ"),
    ]
    examples = [
        {
            "partner_external_id": "P-0001",
            "external_id": "D-0001",
            "customer_company": "株式会社みなと物産",
            "customer_company_kana": "",
            "customer_domain": "minato-bussan.example.jp",
            "contact_name": "山田 花子",
            "contact_email": "yamada@minato-bussan.example.jp",
            "contact_phone": "",
            "contact_consent": "yes",
            "product": "",
            "amount": "1200000",
            "currency": "JPY",
            "expected_close_date": "2027-03-31",
            "stage": "proposal",
            "notes": "",
        }
    ]
    FIELDS = (
        "customer_company",
        "customer_company_kana",
        "customer_domain",
        "contact_name",
        "contact_email",
        "contact_phone",
        "amount",
        "currency",
        "expected_close_date",
        "stage",
        "notes",
    )
    CUSTOMER = ("customer_company", "customer_domain")

    def check(self, line, row, lookups):
        key = f"{row.get('partner_external_id', '')}/{row.get('external_id', '')}"
        errors = self.row_errors(row)
        _choice(row, "stage", choice_values(Deal.Stage), errors, "Stage")
        if row.get("expected_close_date"):
            row["expected_close_date"] = row["expected_close_date"].replace("/", "-")
        if row.get("amount"):
            row["amount"] = row["amount"].replace(",", "")
        row["currency"] = (row.get("currency") or "JPY").upper()
        data, field_errors = self.clean(row, list(self.FIELDS))
        errors += field_errors
        if "amount" in data and data["amount"] < 0:
            errors.append(_("Amount: must not be negative."))
        product = lookups.products.get(row.get("product", "").lower())
        if row.get("product") and product is None:
            errors.append(_("No active product has the code %(code)s.") % {"code": row["product"]})
        partner, reason = lookups.partner_for(row.get("partner_external_id", ""))
        if reason:
            errors.append(reason)
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        consent = row.get("contact_consent", "").lower() in YES
        deal = lookups.deals.get((partner.pk, row["external_id"])) if isinstance(partner, Partner) else None
        if deal is None:
            if data.get("stage", Deal.Stage.QUALIFYING) not in Deal.OPEN_STAGES:
                return Outcome(self.key, line, key, ERROR, _("A new registration must be in an open stage."))
            data.update(product=product, external_id=row["external_id"])
            if data.get("contact_name"):
                data["contact_consent"] = consent
            return Outcome(self.key, line, key, NEW, data={"partner": row["partner_external_id"], **data})
        return self._update(line, key, deal, data, product, consent)

    def _update(self, line, key, deal, data, product, consent):
        if (
            any(data.get(n, getattr(deal, n)) != getattr(deal, n) for n in self.CUSTOMER)
            or product.pk != deal.product_id
        ):
            return Outcome(
                self.key,
                line,
                key,
                ERROR,
                _("The customer and product of a registered deal cannot change: register a new deal."),
            )
        changed = [
            n for n in incentives_services.EDITABLE_FIELDS if n in data and getattr(deal, n) != data[n]
        ]
        if not changed:
            return Outcome(self.key, line, key, SKIP)
        if not deal.can_update():
            return Outcome(self.key, line, key, ERROR, _("This registration can no longer be changed."))
        if data.get("stage", deal.stage) not in Deal.OPEN_STAGES:
            return Outcome(
                self.key, line, key, ERROR, _("Use “Record the outcome” to mark a deal as won or lost.")
            )
        contact_changed = any(n in changed for n in incentives_services.CONTACT_FIELDS)
        if contact_changed and not consent:
            return Outcome(
                self.key,
                line,
                key,
                ERROR,
                _("A changed contact needs the person's consent before you pass it on to us."),
            )
        update = {n: data[n] for n in changed}
        if contact_changed:
            update["contact_consent"] = True
        return Outcome(self.key, line, key, UPDATE, _changed(self, changed), data=update, target=deal)

    def write(self, outcome, lookups, actor):
        incentives_services.deal_update(deal=outcome.target, user=actor, data=outcome.data)

    def create_many(self, outcomes, lookups, actor):
        registrations = []
        for outcome in outcomes:
            data = dict(outcome.data)
            registrations.append((lookups.partners[data.pop("partner")], data))
        incentives_services.deals_register_many(registrations=registrations, user=actor)


class CertificationKind(Kind):
    """Certificates the partner's people already hold (earned before the portal): for people
    who are members already (an invited person's are imported once they have joined). The
    key is the person, the certification and the day it was issued."""

    key = "certifications"
    sheet_ja = "認定"
    label = gettext_lazy("certifications held")
    model = UserCertification
    columns = [
        Column("partner_external_id", "Partner external ID", "パートナー外部ID", required=True),
        Column("email", "E-mail", "メールアドレス", required=True),
        Column("certification", "Certification", "認定", required=True),
        Column("issued_on", "Issued on", "取得日", required=True, numeric=True),
        Column("valid_until", "Valid until", "有効期限", numeric=True),
    ]
    examples = [
        {
            "partner_external_id": "P-0001",
            "email": "tanaka@sakura-systems.example.jp",
            "certification": "",
            "issued_on": "2026-04-01",
            "valid_until": "",
        }
    ]

    def check(self, line, row, lookups):
        email = row.get("email", "").lower()
        key = f"{row.get('partner_external_id', '')}/{email}/{row.get('certification', '')}/{row.get('issued_on', '')}"
        errors = self.row_errors(row)
        for name in ("issued_on", "valid_until"):
            if row.get(name):
                row[name] = row[name].replace("/", "-")
        data, field_errors = self.clean(row, ["issued_on", "valid_until"])
        errors += field_errors
        cert = lookups.certifications.get(row.get("certification", "").lower())
        if row.get("certification") and cert is None:
            errors.append(_("No certification is called %(name)s.") % {"name": row["certification"]})
        partner, reason = lookups.partner_for(row.get("partner_external_id", ""))
        if reason:
            errors.append(reason)
        member = lookups.members.get((partner.pk, email)) if isinstance(partner, Partner) else None
        if partner is not None and not reason and member is None:
            errors.append(
                _(
                    "%(email)s is not a member of this partner yet: import their certificates once they have joined."
                )
                % {"email": email}
            )
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        valid_until = data.get("valid_until") or training_services.add_months(
            data["issued_on"], cert.validity_months
        )
        award = lookups.awards.get((member.user_id, cert.pk, data["issued_on"]))
        if award is None:
            return Outcome(
                self.key,
                line,
                key,
                NEW,
                data={
                    "user": member.user,
                    "partner": partner,
                    "cert": cert,
                    "issued_on": data["issued_on"],
                    "valid_until": valid_until,
                },
            )
        if award.valid_until == valid_until:
            return Outcome(self.key, line, key, SKIP)
        return Outcome(
            self.key,
            line,
            key,
            UPDATE,
            _changed(self, ["valid_until"]),
            data={"valid_until": valid_until},
            target=award,
        )

    def write(self, outcome, lookups, actor):
        training_services.certification_import_update(
            award=outcome.target, valid_until=outcome.data["valid_until"], actor=actor
        )

    def create_many(self, outcomes, lookups, actor):
        training_services.certifications_import_many(
            rows=[
                (
                    o.data["user"],
                    o.data["partner"],
                    o.data["cert"],
                    o.data["issued_on"],
                    o.data["valid_until"],
                )
                for o in outcomes
            ],
            actor=actor,
        )


@functools.cache
def prefecture_values() -> dict[str, str]:
    """The prefecture's code (JIS X 0401, "13" or "1"), its name in English or Japanese, or
    the Japanese name without 都/府/県 ("東京", "大阪") -> the code."""
    table = dict(choice_values(Prefecture))
    for value in Prefecture.values:
        table[str(int(value))] = value
        with translation.override("ja"):
            name = str(Prefecture(value).label)
        if name != "北海道" and name[-1] in "都府県":
            table.setdefault(_norm(name[:-1]), value)
    return table


class LeadKind(Kind):
    """Leads the vendor already has (a spreadsheet of inquiries), created as a manager's form
    creates them; one may name a partner to offer it to at once (by hand, the offer e-mailed
    once the import commits). The external id is the key."""

    key = "leads"
    sheet_ja = "見込み客"
    label = pgettext_lazy("model", "leads")
    model = Lead
    columns = [
        Column("external_id", "External ID", "外部ID", required=True),
        Column("company", "Company", "会社名", required=True),
        Column("company_kana", "Company reading", "会社名フリガナ"),
        Column("contact_name", "Contact name", "担当者名", required=True),
        Column("contact_name_kana", "Contact name reading", "担当者名フリガナ"),
        Column("contact_email", "Contact e-mail", "担当者メール"),
        Column("contact_phone", "Contact phone", "担当者電話番号", numeric=True),
        Column("need", "Need", "ニーズ", required=True),
        Column("region", "Prefecture", "都道府県", required=True),
        Column("product", "Product code", "製品コード"),
        Column("value_estimate_jpy", "Estimated value (JPY)", "見込み金額（円）", numeric=True),
        Column("source", "Source", "流入元"),
        Column("partner", "Offer to partner", "紹介先パートナー"),
    ]
    examples = [
        {
            "external_id": "L-0001",
            "company": "株式会社みなと物産",
            "company_kana": "",
            "contact_name": "山田 花子",
            "contact_name_kana": "",
            "contact_email": "yamada@minato-bussan.example.jp",
            "contact_phone": "03-1234-5678",
            "need": "営業部門50名でCRMの導入を検討中",
            "region": "東京都",
            "product": "",
            "value_estimate_jpy": "3000000",
            "source": "event",
            "partner": "",
        },
        {
            "external_id": "L-0002",
            "company": "Harbor Logistics KK",
            "company_kana": "ハーバーロジスティクス",
            "contact_name": "Alex Morgan",
            "contact_name_kana": "アレックス モーガン",
            "contact_email": "alex@harbor-logistics.example.com",
            "contact_phone": "",
            "need": "Looking for a partner to migrate 200 seats",
            "region": "27",
            "product": "",
            "value_estimate_jpy": "",
            "source": "website",
            "partner": "",
        },
    ]
    FIELDS = leads_services.IMPORT_FIELDS
    CONTACTS = ("contact_name", "contact_name_kana", "contact_email", "contact_phone")

    def check(self, line, row, lookups):
        key = row.get("external_id", "")
        errors = self.row_errors(row)
        for name, table in (("region", prefecture_values()), ("source", choice_values(Lead.Source))):
            label = str(Lead._meta.get_field(name).verbose_name)
            before = len(errors)
            _choice(row, name, table, errors, label[:1].upper() + label[1:])
            if len(errors) > before:
                row[name] = ""  # said once, not again by the field's own check
        if row.get("value_estimate_jpy"):
            row["value_estimate_jpy"] = row["value_estimate_jpy"].replace(",", "")
        data, field_errors = self.clean(row, [n for n in self.FIELDS if n != "product"])
        errors += field_errors
        if data.get("value_estimate_jpy", 0) < 0:
            errors.append(_("Estimated value: must not be negative."))
        if row.get("product"):
            data["product"] = lookups.products.get(row["product"].lower())
            if data["product"] is None:
                errors.append(_("No active product has the code %(code)s.") % {"code": row["product"]})
        partner = None
        if row.get("partner"):
            partner = lookups.lead_partners.get(row["partner"])
            if partner is None:
                errors.append(_("No partner has the slug or external id %(id)s.") % {"id": row["partner"]})
            elif partner.pk not in lookups.lead_partners_visible:
                errors.append(
                    _("Partner %(id)s is not one of the partners you manage.") % {"id": row["partner"]}
                )
            elif partner.status != Partner.Status.ACTIVE:
                errors.append(_("Leads can be offered only to active partners."))
        lead = lookups.leads.get(key)
        if lead is not None and lead.pk not in lookups.visible_leads:
            errors.append(_("Lead %(id)s is not one of the leads you manage.") % {"id": key})
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        if lead is None:
            return Outcome(self.key, line, key, NEW, data={**data, "external_id": key, "offer_to": partner})
        return self._update(line, key, lead, data, partner, lookups)

    def _update(self, line, key, lead, data, partner, lookups):
        if lead.contacts_anonymised_at:
            data = {n: v for n, v in data.items() if n not in self.CONTACTS}
        changed = [n for n in self.FIELDS if n in data and getattr(lead, n) != data[n]]
        offer = partner is not None and (lead.pk, partner.pk) not in lookups.lead_offers
        if not changed and not offer:
            return Outcome(self.key, line, key, SKIP)
        if lead.status not in (Lead.Status.NEW, Lead.Status.UNROUTED):
            return Outcome(
                self.key,
                line,
                key,
                ERROR,
                _("This lead has been offered to a partner already: an import can no longer change it."),
            )
        update = {n: data[n] for n in changed}
        message = _changed(self, [*changed, *(["partner"] if offer else [])])
        return Outcome(
            self.key,
            line,
            key,
            UPDATE,
            message,
            data={**update, "offer_to": partner if offer else None},
            target=lead,
        )

    def write(self, outcome, lookups, actor):
        data = dict(outcome.data)
        partner = data.pop("offer_to")
        leads_services.lead_import_update(lead=outcome.target, data=data, actor=actor)
        if partner is not None:
            leads_services.lead_offer(lead=outcome.target, partner=partner, actor=actor)

    def create_many(self, outcomes, lookups, actor):
        """One by one through `lead_create` (and `lead_offer` for a named partner): the
        offer's e-mail is queued for after the import commits, as the invitations' are."""
        for outcome in outcomes:
            data = dict(outcome.data)
            partner = data.pop("offer_to")
            lead = leads_services.lead_create(actor=actor, data=data)
            if partner is not None:
                leads_services.lead_offer(lead=lead, partner=partner, actor=actor)


def _list(value: str) -> list[str]:
    """A list in one cell: separated by commas (, 、 ，) or semicolons."""
    return [item.strip() for item in re.split(r"[,、，;；]", value) if item.strip()]


class AssetKind(Kind):
    """Library asset metadata (no file: a file is added to the asset in the admin). A new
    asset is a draft, published in the admin; an existing one (same external id) has its
    metadata corrected, never its file or status. One row per language version."""

    key = "assets"
    sheet_ja = "コンテンツ"
    label = gettext_lazy("library assets")
    model = Asset
    STAGES = ("onboarding", "selling", "servicing")
    columns = [
        Column("external_id", "External ID", "外部ID", required=True),
        Column("language", "Language", "言語"),
        Column("title", "Title", "タイトル", required=True),
        Column("summary", "Description", "説明"),
        Column("kind", "Kind", "種類"),
        Column("url", "Link or video URL", "リンク・動画のURL"),
        Column("stages", "Stages", "ステージ", required=True),
        Column("partner_types", "Partner types", "パートナー種別"),
        Column("min_tier", "Minimum tier", "最低ティア"),
        Column("tags", "Tags", "タグ"),
    ]
    examples = [
        {
            "external_id": "A-0001",
            "language": "ja",
            "title": "提案書テンプレート（2027年版）",
            "summary": "中堅企業向けの提案書のひな形です。ファイルは管理サイトで追加します。",
            "kind": "file",
            "url": "",
            "stages": "selling",
            "partner_types": "",
            "min_tier": "",
            "tags": "提案, テンプレート",
        },
        {
            "external_id": "A-0002",
            "language": "en",
            "title": "Product demo video",
            "summary": "A ten-minute walkthrough for first meetings.",
            "kind": "video",
            "url": "https://video.example.com/demo",
            "stages": "selling, onboarding",
            "partner_types": "sales, delivery",
            "min_tier": "",
            "tags": "demo",
        },
    ]

    def check(self, line, row, lookups):
        key = row.get("external_id", "")
        errors = self.row_errors(row)
        row["language"] = (row.get("language") or "ja").lower()
        _choice(
            row, "kind", choice_values(Asset.Kind), errors, str(Asset._meta.get_field("kind").verbose_name)
        )
        data, field_errors = self.clean(row, ["title", "summary", "kind", "url", "language"])
        errors += field_errors
        stages = _list(row.get("stages", ""))
        unknown = [s for s in stages if s not in self.STAGES]
        if unknown:
            errors.append(
                _("Stages: use onboarding, selling or servicing (not %(names)s).")
                % {"names": ", ".join(unknown)}
            )
        data["stages"] = stages
        types = []
        for name in _list(row.get("partner_types", "")):
            found = choice_values(PartnerType).get(_norm(name))
            if found is None:
                errors.append(
                    _("%(column)s: “%(value)s” is not one of the choices.")
                    % {"column": "Partner types", "value": name}
                )
            types.append(found)
        data["partner_types"] = types
        data["min_tier"] = None
        if row.get("min_tier"):
            data["min_tier"] = lookups.tiers.get(row["min_tier"].lower())
            if data["min_tier"] is None:
                errors.append(_("No tier is called %(name)s.") % {"name": row["min_tier"]})
        if "tags" in row:
            data["tags"] = sorted({name[:60] for name in _list(row["tags"])})
        if not lookups.may_edit_library:
            errors.append(_("You may not edit the library: ask an administrator."))
        if errors:
            return Outcome(self.key, line, key, ERROR, " ".join(errors))
        asset = lookups.assets.get(key)
        if asset is None:
            return Outcome(self.key, line, key, NEW, data={**data, "external_id": key})
        changed = [n for n in content_services.IMPORT_FIELDS if n in data and getattr(asset, n) != data[n]]
        if "tags" in data and sorted(t.name for t in asset.tags.all()) != data["tags"]:
            changed.append("tags")
        if not changed:
            return Outcome(self.key, line, key, SKIP)
        return Outcome(self.key, line, key, UPDATE, _changed(self, changed), data=data, target=asset)

    def write(self, outcome, lookups, actor):
        content_services.asset_import_update(asset=outcome.target, data=outcome.data, actor=actor)

    def create_many(self, outcomes, lookups, actor):
        content_services.assets_import_many(rows=[o.data for o in outcomes], actor=actor)


PARTNERS, MEMBERS, DEALS, CERTIFICATIONS = PartnerKind(), MemberKind(), DealKind(), CertificationKind()
LEADS, ASSETS = LeadKind(), AssetKind()
KINDS: dict[str, Kind] = {
    "partners": PARTNERS,
    "members": MEMBERS,
    "deals": DEALS,
    "certifications": CERTIFICATIONS,
    "leads": LEADS,
    "assets": ASSETS,
}
SHEET_NAMES = {**{k: k for k in KINDS}, **{kind.sheet_ja: k for k, kind in KINDS.items()}}
