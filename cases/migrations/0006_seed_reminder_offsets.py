"""Seed the reminder offsets: 7, 3 and 1 days before every kind of deadline (issue 6), and the
chef reminder when overdue (DOMAIN.md §6). The systemförvaltare changes them in the admin."""

from django.db import migrations

# The kinds as they were when this migration was written (never import app code here: a
# migration must give the same result whenever it runs). A kind added later has no rows and
# falls back to settings.BRYGGA_REMINDER_DEFAULT_DAYS until the admin adds its own.
KINDS = (
    "yttrande",
    "kommun_beslut",
    "betalningsansvar",
    "vf",
    "gemensam_plan",
    "uppfoljning",
    "planeringsmote",
    "avstamning",
    "ovrigt",
)
DAYS_BEFORE = (7, 3, 1)


def seed(apps, schema_editor):
    ReminderOffset = apps.get_model("cases", "ReminderOffset")
    ReminderKindSetting = apps.get_model("cases", "ReminderKindSetting")
    for kind in KINDS:
        for days in DAYS_BEFORE:
            ReminderOffset.objects.get_or_create(kind=kind, days_before=days)
        ReminderKindSetting.objects.get_or_create(kind=kind, defaults={"overdue_to_chef": True})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_add_reminders_and_notifications"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
