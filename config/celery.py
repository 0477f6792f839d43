import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brygga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["config"])
# Workflow tasks live beside the reminder tasks, in their own module.
app.autodiscover_tasks(["cases"], related_name="tasks_care")
