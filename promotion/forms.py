from django import forms
from django.utils.translation import gettext_lazy as _

from prm.text.weburl import WebURLFormField


class OptInForm(forms.Form):
    """Joining a campaign: the partner's own landing page for its tracked link (optional)."""

    landing_url = WebURLFormField(label=_("Your landing page (optional)"), required=False, max_length=200)
