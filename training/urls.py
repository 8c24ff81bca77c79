from django.urls import path

from training import staff_views, views

app_name = "training"

urlpatterns = [
    path("training/", views.training, name="index"),
    path("training/courses/<str:slug>/", views.course_detail, name="course"),
    path("training/courses/<str:slug>/lessons/<int:pk>/", views.lesson_detail, name="lesson"),
    path("training/courses/<str:slug>/quiz/", views.quiz, name="quiz"),
    path("training/exercise-files/<int:pk>/", views.exercise_file, name="exercise_file"),
    path("staff/training/exercises/", staff_views.staff_exercises, name="staff_exercises"),
    path("staff/training/exercises/<int:pk>/", staff_views.staff_exercise, name="staff_exercise"),
    path(
        "staff/training/exercise-files/<int:pk>/", staff_views.staff_exercise_file, name="staff_exercise_file"
    ),
    path("training/lms/<slug:slug>/webhook/", views.lms_webhook, name="lms_webhook"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
]
