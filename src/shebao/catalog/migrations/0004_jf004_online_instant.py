"""JF-004 (缴费基数申报) becomes the unit's own online declaration, completed at once (即时办结,
risk level 1): the catalogue sync keeps what administrators adjust (limits, channels, materials)
and does not rebuild an item's steps, so an existing database is brought to the definition here.
The review step goes where no case refers to it (a database with such cases keeps it until
``shebao catalog sync --reset``)."""

from django.db import migrations

CODE = "JF-004"


def forwards(apps, schema_editor):
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    ItemStep = apps.get_model("catalog", "ItemStep")
    ItemMaterial = apps.get_model("catalog", "ItemMaterial")
    Case = apps.get_model("cases", "Case")
    CaseStepRecord = apps.get_model("cases", "CaseStepRecord")
    item = ServiceItem.objects.filter(code=CODE).first()
    if item is None:
        return  # a new database: catalog sync creates it from the definition
    item.risk_level, item.promised_days, item.channels = 1, 0, ["online"]
    item.version += 1
    item.save(update_fields=["risk_level", "promised_days", "channels", "version"])
    ItemMaterial.objects.filter(item=item, code="wage_list").update(commitment_allowed=True)
    for step in ItemStep.objects.filter(phase__item=item).exclude(kind="accept"):
        used = Case.objects.filter(current_step=step).exists() or CaseStepRecord.objects.filter(step=step).exists()
        if not used:
            step.delete()


def backwards(apps, schema_editor):
    ServiceItem = apps.get_model("catalog", "ServiceItem")
    ItemStep = apps.get_model("catalog", "ItemStep")
    ItemMaterial = apps.get_model("catalog", "ItemMaterial")
    item = ServiceItem.objects.filter(code=CODE).first()
    if item is None:
        return
    item.risk_level, item.promised_days, item.channels = 2, 3, ["online", "hall"]
    item.version += 1
    item.save(update_fields=["risk_level", "promised_days", "channels", "version"])
    ItemMaterial.objects.filter(item=item, code="wage_list").update(commitment_allowed=False)
    for phase in item.phases.all():
        if not ItemStep.objects.filter(phase=phase, kind="review").exists():
            ItemStep.objects.create(phase=phase, order=2, kind="review", name="复核", name_en="Review", min_authority=2)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_item_return_days_transfer_authority"),
        ("cases", "0007_promise_backfill"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
