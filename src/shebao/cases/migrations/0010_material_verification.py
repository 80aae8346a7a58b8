"""An uploaded material counts as received only once a clerk of the case's office verified it
(issue 13): ``verification`` (pending / verified / rejected), when, and the reason a rejected
one was not accepted.

Backfill: materials already uploaded in a live database were accepted under the old rule (an
upload counted as soon as it was made, and their cases' clocks started on it), so they are
marked verified, at the time their row was last written, by nobody (the audit log has no
verification for them: the migration, not a clerk, said so). New uploads start pending."""

from django.db import migrations, models
from django.db.models import F


def backfill_verified(apps, schema_editor):
    CaseMaterial = apps.get_model("cases", "CaseMaterial")
    CaseMaterial.objects.filter(status="uploaded").update(verification="verified", verified_at=F("updated_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_case_has_stops_backfill'),
    ]

    operations = [
        migrations.AddField(
            model_name='casematerial',
            name='rejection_reason',
            field=models.CharField(blank=True, default='', max_length=500, verbose_name='退回原因 / Reason not accepted'),
        ),
        migrations.AddField(
            model_name='casematerial',
            name='verification',
            field=models.CharField(blank=True, choices=[('pending', '待核验 / Awaiting verification'), ('verified', '核验通过 / Verified'), ('rejected', '未通过核验 / Not accepted')], default='', max_length=8, verbose_name='核验 / Verification'),
        ),
        migrations.AddField(
            model_name='casematerial',
            name='verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='核验时间 / Verified at'),
        ),
        migrations.RunPython(backfill_verified, migrations.RunPython.noop),
    ]
