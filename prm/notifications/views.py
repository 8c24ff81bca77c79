"""The bell, the notification list and the per-kind preferences (partners and staff alike)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from prm.models import NotificationPreference
from prm.notifications import center, kinds
from prm.ui.pagination import paginate


@login_required
@require_GET
def notification_list(request):
    rows = center.visible_to(request.user).order_by("-created_at", "-id")
    if request.GET.get("unread"):
        rows = rows.filter(read_at=None)
    page = paginate(request, rows, per_page=25)
    return render(
        request, "prm/notifications.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
@require_GET
def notification_bell(request):
    """The bell alone, for htmx to refresh without reloading the page (the count comes from
    the `portal` context processor: for partner users, in the one query of the badges)."""
    return render(request, "partials/notification_bell.html")


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read and follow its link."""
    notification = get_object_or_404(center.visible_to(request.user), pk=pk)
    center.mark_read(user=request.user, pk=notification.pk)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "notifications"
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    center.mark_read(user=request.user)
    if request.htmx:
        return notification_bell(request)
    return redirect("notifications")


class PreferencesForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
        for key, kind in kinds.kinds_for(user):
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationPreference.Channel.choices,
                initial=current.get(key, NotificationPreference.Channel.BOTH),
                widget=forms.RadioSelect,
                required=False,
            )


@login_required
def notification_preferences(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        center.preferences_set(user=request.user, channels=form.cleaned_data)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification_preferences")
    return render(request, "prm/notification_preferences.html", {"form": form})
