"""On PostgreSQL, a signed decision and its annex list refuse changes at the database level too (QuerySet
.update(), raw SQL): only the generated document's columns may still be written."""

from django.db import migrations

CREATE_FUNCTIONS = """
CREATE OR REPLACE FUNCTION approvals_decision_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' AND (
        TG_OP = 'DELETE' OR
        (NEW.id, NEW.commune_id, NEW.unit_path, NEW.title_type_id, NEW.year, NEW.status, NEW.amends_id,
         NEW.amendment_note, NEW.created_by_id, NEW.created_at, NEW.number, NEW.signed_on, NEW.signed_at,
         NEW.signed_by_id, NEW.signer_name)
        IS DISTINCT FROM
        (OLD.id, OLD.commune_id, OLD.unit_path, OLD.title_type_id, OLD.year, OLD.status, OLD.amends_id,
         OLD.amendment_note, OLD.created_by_id, OLD.created_at, OLD.number, OLD.signed_on, OLD.signed_at,
         OLD.signed_by_id, OLD.signer_name)
    ) THEN
        RAISE EXCEPTION 'decision % is signed: % refused', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION approvals_decision_entry_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM approvals_decision d WHERE d.status = 'signed' AND d.id IN (
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.decision_id END,
            CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.decision_id END)
    ) THEN
        RAISE EXCEPTION 'the annex list of a signed decision cannot change: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTIONS, params=None)
    schema_editor.execute(
        "CREATE TRIGGER approvals_decision_signed BEFORE UPDATE OR DELETE ON approvals_decision "
        "FOR EACH ROW EXECUTE FUNCTION approvals_decision_guard();"
    )
    schema_editor.execute(
        "CREATE TRIGGER approvals_decisionentry_signed BEFORE INSERT OR UPDATE OR DELETE "
        "ON approvals_decisionentry FOR EACH ROW EXECUTE FUNCTION approvals_decision_entry_guard();"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS approvals_decision_signed ON approvals_decision;")
    schema_editor.execute("DROP TRIGGER IF EXISTS approvals_decisionentry_signed ON approvals_decisionentry;")
    schema_editor.execute("DROP FUNCTION IF EXISTS approvals_decision_guard();")
    schema_editor.execute("DROP FUNCTION IF EXISTS approvals_decision_entry_guard();")


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_sessions_decisions_audits")]
    operations = [migrations.RunPython(forwards, backwards)]
