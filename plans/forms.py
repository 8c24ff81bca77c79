from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.models import FundRequest
from partners.models import Membership
from plans import goals
from plans.models import BusinessPlan, PlanActivity, PlanReview
from prm.models import User
from prm.tenancy import managers_assigned_to
from promotion.models import Campaign, CampaignParticipation


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.ModelForm):
    class Meta:
        model = BusinessPlan
        fields = ["summary_ja", "summary_en", "focus_ja", "focus_en"]
        labels = {
            "summary_ja": _("Summary (Japanese)"),
            "summary_en": _("Summary (English)"),
            "focus_ja": _("Focus markets and solutions (Japanese)"),
            "focus_en": _("Focus markets and solutions (English)"),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


TARGET = {"required": False, "min_value": 0, "decimal_places": 0, "max_digits": 16}


class GoalForm(forms.Form):
    """One kind of goal: a target for the year (empty: no goal of this kind) and, if wanted,
    targets per quarter."""

    target = forms.DecimalField(label=_("Target for the year"), **TARGET)
    q1 = forms.DecimalField(label=_("Q1"), **TARGET)
    q2 = forms.DecimalField(label=_("Q2"), **TARGET)
    q3 = forms.DecimalField(label=_("Q3"), **TARGET)
    q4 = forms.DecimalField(label=_("Q4"), **TARGET)

    def __init__(self, *args, kind: goals.GoalKind, **kwargs):
        super().__init__(*args, prefix=kind.code, **kwargs)
        self.kind = kind

    def clean(self):
        data = super().clean()
        quarters = [data.get(f"q{q}") for q in (1, 2, 3, 4)]
        if not data.get("target") and any(value is not None for value in quarters):
            self.add_error("target", _("Set the target for the year as well."))
        return data

    def row(self) -> dict | None:
        if not self.cleaned_data.get("target"):
            return None
        return {
            "kind": self.kind.code,
            **{k: self.cleaned_data.get(k) for k in ("target", "q1", "q2", "q3", "q4")},
        }


def goal_forms(plan: BusinessPlan, data=None) -> list[GoalForm]:
    existing = {g.kind: g for g in plan.goals.all()}
    out = []
    for kind in goals.available():
        goal = existing.get(kind.code)
        initial = {k: getattr(goal, k) for k in ("target", "q1", "q2", "q3", "q4")} if goal else None
        out.append(GoalForm(data, kind=kind, initial=initial))
    return out


def owner_choices(partner):
    members = Membership.objects.filter(partner=partner, is_active=True).values("user_id")
    managers = managers_assigned_to(partner).values("pk")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(pk__in=managers))
        .order_by("display_name", "email", "pk")
    )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class ActivityForm(forms.ModelForm):
    class Meta:
        model = PlanActivity
        fields = ["title", "owner", "due_on", "status", "fund_request", "campaign"]
        field_classes = {"owner": OwnerField}
        widgets = {"due_on": DateInput}

    def __init__(self, *args, plan: BusinessPlan, **kwargs):
        super().__init__(*args, **kwargs)
        partner = plan.partner
        self.fields["owner"].queryset = owner_choices(partner)
        self.fields["fund_request"].queryset = FundRequest.objects.for_partner(partner).order_by(
            "-submitted_at"
        )
        joined = CampaignParticipation.objects.for_partner(partner).opted_in().values("campaign_id")
        self.fields["campaign"].queryset = Campaign.objects.filter(pk__in=joined).order_by("-starts_on")
        self.fields["fund_request"].help_text = _("Optional: the MDF request that pays for it.")
        self.fields["campaign"].help_text = _("Optional: a campaign your company joined.")


class ReviewForm(forms.ModelForm):
    refresh_figures = forms.BooleanField(
        label=_("Take the figures again now"),
        required=False,
        help_text=_("Otherwise the review keeps the figures from when it was recorded."),
    )

    class Meta:
        model = PlanReview
        fields = ["narrative_ja", "narrative_en", "agreed_actions_ja", "agreed_actions_en"]
        labels = {
            "narrative_ja": _("What happened (Japanese)"),
            "narrative_en": _("What happened (English)"),
            "agreed_actions_ja": _("Agreed actions (Japanese, one per line)"),
            "agreed_actions_en": _("Agreed actions (English, one per line)"),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def __init__(self, *args, new: bool = False, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            del self.fields["refresh_figures"]
            self.fields["quarter"] = forms.TypedChoiceField(
                label=_("Quarter"), coerce=int, choices=[(q, _("Q%(n)s") % {"n": q}) for q in quarters]
            )
            self.order_fields(["quarter"])


class DecisionForm(forms.Form):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the partner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the plan."),
    )
