"""URLs of the videos app: ladder files and captions (the player's page is a lesson)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "ladders/<int:video_id>/<str:build>/<path:name>",
        views.ladder_file,
        name="videos_ladder_file",
    ),
    path(
        "captions/<int:caption_id>/<str:language>.vtt",
        views.caption_file,
        name="videos_caption_file",
    ),
]
