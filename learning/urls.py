"""URLs of the learning app (pages themselves are served by Wagtail)."""

from django.urls import path

from . import views

urlpatterns = [
    path("progress/", views.progress_record, name="learning_progress_record"),
    path(
        "progress/<int:lesson_id>/",
        views.progress_detail,
        name="learning_progress_detail",
    ),
    path("my/", views.my_learning, name="learning_my_learning"),
]
