"""On PostgreSQL the audit checkpoints, like the events, refuse UPDATE and DELETE."""

from django.db import migrations

FORWARD = """
CREATE TRIGGER core_auditcheckpoint_no_update_delete
    BEFORE UPDATE OR DELETE ON core_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
BACKWARD = "DROP TRIGGER IF EXISTS core_auditcheckpoint_no_update_delete ON core_auditcheckpoint;"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_checkpoint")]
    operations = [migrations.RunPython(forward, backward)]
