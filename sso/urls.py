from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("", views.company_sign_in, name="company_sign_in"),
]
