"""The sign-in page's "continue with your company's sign-in": the e-mail's domain picks
the identity provider and the browser goes straight there (no allauth confirmation page:
this form is the confirmation, posted with its CSRF token)."""

from allauth.account.utils import get_next_redirect_url
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sso.forms import CompanySignInForm


@require_http_methods(["GET", "POST"])
def company_sign_in(request):
    form = CompanySignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = form.route.app.get_provider(request)
        return provider.redirect(request, process=AuthProcess.LOGIN, next_url=get_next_redirect_url(request))
    return render(request, "sso/company_sign_in.html", {"form": form}, status=400 if form.errors else 200)
