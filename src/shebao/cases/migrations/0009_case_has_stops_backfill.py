"""Cases whose clock stopped before ``has_stops`` existed (a materials request or a
suspension) get it set, so their promise still counts the stops."""

from django.db import migrations

STOPPING = ("materials", "suspension")


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CasePause = apps.get_model("cases", "CasePause")
    stopped = CasePause.objects.filter(kind__in=STOPPING).values("case_id")
    Case.objects.filter(pk__in=stopped).update(has_stops=True)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_case_has_stops")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
