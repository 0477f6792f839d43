from django.apps import AppConfig


class AnsvarsforbindelseConfig(AppConfig):
    name = "ansvarsforbindelse"
    verbose_name = "Ansvarsförbindelser"
