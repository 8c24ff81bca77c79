from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("training/", views.training, name="index"),
    path("training/courses/<str:slug>/", views.course_detail, name="course"),
    path("training/courses/<str:slug>/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("training/courses/<str:slug>/quiz/", views.quiz, name="quiz"),
    path("training/lms/<slug:slug>/webhook/", views.lms_webhook, name="lms_webhook"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
]
