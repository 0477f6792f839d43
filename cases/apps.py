from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Ärenden"

    def ready(self) -> None:
        from cases.filter_choices import connect_signals

        connect_signals()
