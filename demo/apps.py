from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and the `seed_demo` command; it stands above every app."""

    name = "demo"
    verbose_name = "Demo data"
