from django.apps import AppConfig


class AvhoppConfig(AppConfig):
    name = "avhopp"
    verbose_name = "Avhopparuppdrag"
