from django.apps import AppConfig


class InslussningConfig(AppConfig):
    name = "inslussning"
    verbose_name = "Inslussning"
