from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.accounts.forms import ProfileForm
from prm.accounts.services import profile_update


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The person's own name and e-mail language (any signed-in person: partner or staff)."""
    user = request.user
    initial = {"display_name": user.display_name, "language": user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if profile_update(user=user, **form.cleaned_data):
            messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    status = 400 if form.is_bound else 200
    return render(request, "prm/profile.html", {"form": form}, status=status)
