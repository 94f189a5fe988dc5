from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The top floor: settings, URLs, Celery, the shell, the demo seeder."""

    name = "config"

    def ready(self):
        from . import auth  # noqa: F401 - connects the login receiver
