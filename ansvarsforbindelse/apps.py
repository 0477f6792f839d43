import logging

from django.apps import AppConfig


class AnsvarsforbindelseConfig(AppConfig):
    name = "ansvarsforbindelse"
    verbose_name = "Ansvarsförbindelser"

    def ready(self) -> None:
        # WeasyPrint logs every rendering step at INFO ("Step 1 - Fetching and parsing HTML");
        # in a worker that renders PDFs all day that is noise, and its warnings still show.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
