"""A flexible worker's month credits a share of the base to the medical personal account (their
own contribution includes the employer's part). Data: 2% for the working rows (the employee's
personal rate, as the account would get through a unit; confidence L, to verify)."""

from decimal import Decimal


from django.db import migrations, models


def forwards(apps, schema_editor):
    apps.get_model("medical", "AccountCreditRule").objects.filter(region="wuhan", person_type="working").update(
        flexible_base_share=Decimal("0.02")
    )


def backwards(apps, schema_editor):
    pass  # the field goes with the schema step



class Migration(migrations.Migration):

    dependencies = [
        ('medical', '0006_medical_account'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='accountcreditrule',
            name='medical_account_rule_range',
        ),
        migrations.AddField(
            model_name='accountcreditrule',
            name='flexible_base_share',
            field=models.DecimalField(decimal_places=4, default=0, max_digits=5, verbose_name='灵活就业人员按基数划入比例 / Share of the base for a flexible worker'),
        ),
        migrations.AddConstraint(
            model_name='accountcreditrule',
            constraint=models.CheckConstraint(condition=models.Q(('personal_share__gte', 0), ('personal_share__lte', 1), ('employer_share__gte', 0), ('employer_share__lte', 1), ('flexible_base_share__gte', 0), ('flexible_base_share__lte', 1), ('monthly_amount__gte', 0)), name='medical_account_rule_range'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
