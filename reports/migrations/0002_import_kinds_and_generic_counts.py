from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_import_jobs")]

    operations = [
        migrations.RenameField("importjob", "households_new", "new_count"),
        migrations.RenameField("importjob", "households_existing", "existing_count"),
        migrations.RenameField("importjob", "members_new", "linked_count"),
        migrations.AlterField(
            model_name="importjob",
            name="new_count",
            field=models.PositiveIntegerField(default=0, verbose_name="new records"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="existing_count",
            field=models.PositiveIntegerField(default=0, verbose_name="records already registered"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="linked_count",
            field=models.PositiveIntegerField(default=0, verbose_name="linked records"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="processed",
            field=models.PositiveIntegerField(default=0, verbose_name="records written"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="kind",
            field=models.CharField(
                choices=[
                    ("households", "Households with members"),
                    ("clans", "Clans"),
                    ("organisations", "Organisations and units"),
                    ("nominations", "Nominations for a title"),
                ],
                max_length=20,
                verbose_name="import kind",
            ),
        ),
    ]
