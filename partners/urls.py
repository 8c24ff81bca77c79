from django.urls import path  # noqa: F401 - recruitment pages are added here

app_name = "partners"

urlpatterns: list = []
