"""Give the audit events written before the scope column the unit path of their stream.

The scope is not part of an event's hash, so filling it in leaves every chain intact. On PostgreSQL the
append-only trigger is switched off for these statements only (the migration runs as the table owner).
"""

from django.db import migrations

CASES = """
UPDATE audit_auditevent SET scope = COALESCE((
    SELECT c.unit_path FROM cases_case c WHERE c.id = CAST(substr(audit_auditevent.stream, 6) AS integer)
), '') WHERE stream LIKE 'case:%' AND scope = ''
"""
SUBJECTS = """
UPDATE audit_auditevent SET scope = COALESCE((
    SELECT u.path FROM registry_subject s JOIN registry_administrativeunit u ON u.id = s.unit_id
    WHERE s.id = CAST(substr(audit_auditevent.stream, 9) AS integer)
), '') WHERE stream LIKE 'subject:%' AND scope = ''
"""


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AdministrativeUnit = apps.get_model("registry", "AdministrativeUnit")
    postgres = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(CASES)
        cursor.execute(SUBJECTS)
        # role events (streams user:<id>) name the unit of the grant in their data
        paths = dict(AdministrativeUnit.objects.values_list("code", "path"))
        rows = AuditEvent.objects.filter(stream__startswith="user:", scope="").values_list("id", "data")
        for pk, data in rows.iterator(chunk_size=2000):
            path = paths.get((data or {}).get("unit"))
            if path:
                cursor.execute("UPDATE audit_auditevent SET scope = %s WHERE id = %s", [path, pk])
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_event_scope_and_verification_runs"),
        ("cases", "0001_initial"),
        ("registry", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
