"""Room on each page of the determinations for their recomputed versions (PostgreSQL only).

A bulk recompute (``services.recompute``) rewrites every determination of a year once: with
pages 70 % full the new version fits on the same page as a heap-only tuple (HOT), so none of
the table's four indexes is touched per row. The figures columns are in no index. SQLite has
no fillfactor: nothing to do there."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE pensions_pensiondetermination SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE pensions_pensiondetermination RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("pensions", "0004_survivor_rule_row")]
    operations = [migrations.RunPython(forwards, backwards)]
