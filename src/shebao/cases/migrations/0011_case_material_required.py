"""Whether a case requires a material, per case (issue 14: the employer's evidence of a
statement correction only where the employer declares): the item handler's answer at receipt
(``ItemHandler.materials_required``). NULL is the catalogue's ``ItemMaterial.required``, so the
materials of every existing case keep what they required; no backfill."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_material_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="casematerial",
            name="required",
            field=models.BooleanField(
                blank=True, default=None, null=True, verbose_name="本件必需 / Required for this case"
            ),
        ),
    ]
