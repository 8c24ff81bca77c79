from django.urls import path

from incentives import views

app_name = "incentives"

urlpatterns = [
    path("deals/", views.deals, name="deals"),
    path("incentives/", views.scorecard, name="scorecard"),
]
