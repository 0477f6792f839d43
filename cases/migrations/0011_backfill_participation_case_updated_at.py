"""Fill Participation.case_updated_at for the participations that existed before its triggers.

One UPDATE … FROM in SQL: a loop over every participation through the ORM would take minutes on
a region's data. The history trigger ignores this column (0010), so no events are recorded."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_add_participation_case_updated_at")]

    operations = [
        migrations.RunSQL(
            "UPDATE cases_participation AS p SET case_updated_at = c.updated_at"
            " FROM cases_case AS c WHERE c.id = p.case_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
