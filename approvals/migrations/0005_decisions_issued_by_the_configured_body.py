"""A decision is issued by the body the title's recognition authority names (the People's Committee, the
Association, the Department of Education), numbered in that body's own series ("QĐ-UBND", "QĐ-HKH"); on
PostgreSQL its issuing body, suffix and signer's office are guarded like the rest of a signed decision."""

from django.db import migrations, models

GUARDED = (
    "id, commune_id, unit_path, title_type_id, year, status, amends_id, amendment_note, created_by_id, "
    "created_at, number, signed_on, signed_at, signed_by_id, signer_name"
)


def guard_function(columns: str) -> str:
    """approvals_decision_guard() refusing any change of `columns` once the decision is signed."""
    new = ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
    return f"""
CREATE OR REPLACE FUNCTION approvals_decision_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' AND (TG_OP = 'DELETE' OR ({new}) IS DISTINCT FROM ({old})) THEN
        RAISE EXCEPTION 'decision % is signed: % refused', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def guard_issuer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(guard_function(GUARDED + ", body, suffix, signer_office"), params=None)


def unguard_issuer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(guard_function(GUARDED), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_session_can_be_cancelled"),
        ("criteria", "0008_national_recognition_authorities"),
        ("registry", "0003_roles_of_the_study_promotion_association_and_province"),
    ]

    operations = [
        # the decisions issued so far were all the commune People's Committee's
        migrations.AddField(
            model_name="decision",
            name="body",
            field=models.CharField(
                choices=[
                    ("ubnd", "People's Committee"),
                    ("hkh", "Study Promotion Association"),
                    ("sgddt", "Department of Education and Training"),
                ],
                default="ubnd",
                max_length=10,
                verbose_name="issuing body",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="suffix",
            field=models.CharField(default="QĐ-UBND", max_length=20, verbose_name="number suffix"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="decision",
            name="signer_office",
            field=models.CharField(
                default="Chủ tịch Ủy ban nhân dân", max_length=120, verbose_name="signer's office"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="decision",
            name="commune",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="registry.administrativeunit",
                verbose_name="issuing unit",
            ),
        ),
        migrations.RemoveConstraint(model_name="decision", name="approvals_decision_number_uniq"),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("commune", "year", "suffix", "number"),
                name="approvals_decision_number_uniq",
            ),
        ),
        migrations.AddField(
            model_name="decisioncounter",
            name="series",
            field=models.CharField(default="QĐ-UBND", max_length=20),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="decisioncounter", name="approvals_counter_uniq"),
        migrations.AddConstraint(
            model_name="decisioncounter",
            constraint=models.UniqueConstraint(
                fields=("commune", "year", "series"), name="approvals_counter_uniq"
            ),
        ),
        migrations.RunPython(guard_issuer, unguard_issuer),
    ]
