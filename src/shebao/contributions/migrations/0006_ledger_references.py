"""The ledger's references to the person, the unit and the bill without row-by-row
foreign-key triggers (35% of the monthly assessment's time; bench/README.md), and, on
PostgreSQL, triggers that refuse to delete a person, unit or bill that ledger rows refer to:
the protection the foreign keys gave, checked on the rare delete instead of on every insert.
A person's and a bill's check is an index probe; a unit's scans the ledger (units are
deregistered, not deleted: that delete is an administrator's exceptional act)."""

import django.db.models.deletion
from django.db import migrations, models

GUARDED = (
    ("registry_person", "person_id"),
    ("registry_unit", "unit_id"),
    ("contributions_bill", "bill_id"),
)


def _forward_sql(table: str, column: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_ledger_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM contributions_contributionmonth WHERE {column} = OLD.id) THEN
        RAISE EXCEPTION 'rows of the contributions ledger refer to %% %% (缴费明细引用了该记录，不能删除)',
            TG_TABLE_NAME, OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_ledger_guard BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_ledger_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, column in GUARDED:
            schema_editor.execute(_forward_sql(table, column))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, _column in GUARDED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_ledger_guard ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_ledger_guard()")


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0005_ledger_indexes"),
        ("registry", "0003_status_person_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contributionmonth",
            name="bill",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="contributions.bill",
            ),
        ),
        migrations.AlterField(
            model_name="contributionmonth",
            name="person",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="contribution_months",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="contributionmonth",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.unit",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
