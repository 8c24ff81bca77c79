from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """Seconds as a readable span: minutes, hours or days."""
    if seconds is None:
        return "—"
    seconds = float(seconds)
    if seconds < 3600:
        return _("%(n)s min") % {"n": number_format(seconds / 60, 0)}
    if seconds < 48 * 3600:
        return _("%(n)s h") % {"n": number_format(seconds / 3600, 1)}
    return _("%(n)s days") % {"n": number_format(seconds / 86400, 1)}
