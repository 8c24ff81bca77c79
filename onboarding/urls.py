from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("onboarding/", views.index, name="index"),
    path("training/", views.training, name="training"),
]
