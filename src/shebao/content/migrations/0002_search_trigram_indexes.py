"""On PostgreSQL, a trigram index on each ``search_text`` so that ``LIKE '%养老金%'`` is an
index scan (the index is lossy and rechecked: results are exact whatever pg_trgm makes of
Chinese). Where the pg_trgm extension cannot be created (no privilege) the search still works,
unindexed, and the migration says so. SQLite: nothing to do."""

from django.db import migrations, transaction

TABLES = ("content_policy", "content_answer", "content_jobnotice")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - a missing privilege leaves the search unindexed, not broken
        print(f"\n  content: pg_trgm unavailable ({error}); content search runs without a trigram index")
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("content", "0001_policies_answers_jobs")]
    operations = [migrations.RunPython(create, drop)]
