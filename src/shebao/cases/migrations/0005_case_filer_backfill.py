"""Who filed the cases opened before ``Case.filer`` existed: a window when a clerk received it,
otherwise the kind of account of the actor of its ``case.open`` audit event, or the system when
that event has no actor (a rating's follow-up). A case whose event cannot be found stays blank:
its applicant may follow it, but no unit may act on it."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Case.objects.filter(filer="", received_by__isnull=False).update(filer="staff")
    opened = AuditEvent.objects.filter(
        action="case.open", subject_type="case", subject_id=Cast(OuterRef("pk"), output_field=models.CharField())
    )
    Case.objects.filter(filer="").update(
        filer=models.Case(
            When(Exists(opened.filter(actor__isnull=True)), then=Value("system")),
            default=Coalesce(Subquery(opened.values("actor__kind")[:1]), Value("")),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_filer_opening_key_uploads"), ("core", "0003_audit_append_only")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
