"""App configuration for the ground floor: an app so that its template tags and its
`schedule_tasks` command are found; it has no models."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
