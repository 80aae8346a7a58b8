"""Items mailed before 0002 carry their statement's number as their document number."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Item = apps.get_model("statement_mailing", "MailingItem")
    Statement = apps.get_model("statements", "Statement")
    Item.objects.filter(document_ref="", statement__isnull=False).update(
        document_ref=Subquery(Statement.objects.filter(pk=OuterRef("statement_id")).values("ref")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("statement_mailing", "0002_pension_notice")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
