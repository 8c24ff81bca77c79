from django.urls import path

from promotion import views

app_name = "promotion"

urlpatterns = [
    path("campaigns/", views.index, name="index"),
]
