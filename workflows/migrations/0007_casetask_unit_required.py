"""A step's unit copy is required: 0006 filled it for every existing step."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflows", "0006_casetask_unit_copy")]

    operations = [
        migrations.AlterField(
            model_name="casetask",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.administrativeunit",
                verbose_name="locality",
            ),
        ),
    ]
