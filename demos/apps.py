from django.apps import AppConfig


class DemosConfig(AppConfig):
    name = "demos"
    default_auto_field = "django.db.models.BigAutoField"
