"""Each step carries a copy of its case's unit, so the work lists filter by unit without joining the cases.

Added nullable and filled from the cases (one UPDATE); 0007 makes it required (a case never changes unit).
Two migrations, because PostgreSQL refuses to alter a table with the UPDATE's foreign-key checks still
pending in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_units(apps, schema_editor):
    CaseTask = apps.get_model("workflows", "CaseTask")
    Case = apps.get_model("cases", "Case")
    CaseTask.objects.using(schema_editor.connection.alias).update(
        unit_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("unit_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("registry", "0001_initial"),
        ("workflows", "0005_open_human_steps_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="casetask",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.administrativeunit",
                verbose_name="locality",
            ),
        ),
        migrations.RunPython(copy_units, migrations.RunPython.noop),
    ]
