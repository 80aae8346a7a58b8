"""The medical personal account (YB-005): its credit rule rows, and what the account paid of a
reimbursement. Data: the Wuhan rows (all confidence L, corrected by an administrator in the
admin): before the outpatient mutual-aid reform a working person's whole medical contribution
plus a share of the base from the employer's; from the reform (国办发〔2021〕14号; Wuhan's date
taken as 2023-01-01) the whole personal contribution only, and a retiree a fixed monthly amount."""

import datetime as dt
from decimal import Decimal


import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


SOURCE = "国办发〔2021〕14号；武汉市职工医保门诊共济保障实施办法（待核实）/ to verify"
ROWS = [
    # person_type, from, to, personal share, employer share of the base, fixed monthly amount, note
    ("working", dt.date(2001, 1, 1), dt.date(2022, 12, 31), "1", "0.0080", "0",
     "改革前：个人缴费全部及单位缴费按基数0.8%划入（按年龄分档的平均值，假设）/ Before the reform: the whole "
     "personal contribution and 0.8% of the base from the employer's (an average over the age bands: an assumption)"),
    ("working", dt.date(2023, 1, 1), None, "1", "0", "0",
     "门诊共济改革后：个人缴费全部划入，单位缴费全部进入统筹 / After the reform: the personal contribution only"),
    ("retired", dt.date(2001, 1, 1), dt.date(2022, 12, 31), "0", "0", "100.00",
     "改革前退休人员定额划入（假设值，待核实）/ Retirees before the reform: an assumed fixed amount, to verify"),
    ("retired", dt.date(2023, 1, 1), None, "0", "0", "70.00",
     "改革后按改革当年基本养老金平均水平约2%定额划入（假设值，待核实）/ After the reform: about 2% of the "
     "average pension as a fixed amount (an assumed figure, to verify)"),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("medical", "AccountCreditRule")
    for person_type, start, end, personal, employer, monthly, note in ROWS:
        Rule.objects.create(
            region="wuhan",
            person_type=person_type,
            effective_from=start,
            effective_to=end,
            personal_share=Decimal(personal),
            employer_share=Decimal(employer),
            monthly_amount=Decimal(monthly),
            source=SOURCE,
            confidence="L",
            note=note,
        )


def backwards(apps, schema_editor):
    apps.get_model("medical", "AccountCreditRule").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('medical', '0005_central_districts_rule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountCreditRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region', models.CharField(default='wuhan', max_length=16, verbose_name='统筹区 / Pooling region')),
                ('effective_from', models.DateField(verbose_name='生效日期 / Effective from')),
                ('effective_to', models.DateField(blank=True, null=True, verbose_name='失效日期 / Effective to')),
                ('source', models.CharField(max_length=255, verbose_name='依据 / Source')),
                ('confidence', models.CharField(choices=[('H', '高 / High'), ('M', '中 / Medium'), ('L', '低（待核实）/ Low (to verify)')], default='L', max_length=1)),
                ('note', models.TextField(blank=True, verbose_name='备注 / Note')),
                ('person_type', models.CharField(choices=[('working', '在职 / Working'), ('retired', '退休 / Retired')], max_length=8, verbose_name='人员类别 / Person type')),
                ('personal_share', models.DecimalField(decimal_places=4, default=0, max_digits=5, verbose_name='个人缴费划入比例 / Share of the personal contribution')),
                ('employer_share', models.DecimalField(decimal_places=4, default=0, max_digits=5, verbose_name="单位缴费按基数划入比例 / Share of the base from the employer's")),
                ('monthly_amount', models.DecimalField(decimal_places=2, default=0, max_digits=10, verbose_name='定额划入（元/月）/ Fixed monthly credit (yuan)')),
            ],
            options={
                'verbose_name': '医保个人账户划入规则 / Medical account credit rule',
                'verbose_name_plural': '医保个人账户划入规则 / Medical account credit rules',
                'ordering': ['region', 'person_type', 'effective_from'],
            },
        ),
        migrations.AddField(
            model_name='reimbursement',
            name='account_paid',
            field=models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='个人账户支付 / Paid from the account'),
        ),
        migrations.AddConstraint(
            model_name='reimbursement',
            constraint=models.CheckConstraint(condition=models.Q(('account_paid__gte', 0), ('account_paid__lte', django.db.models.expressions.CombinedExpression(models.F('in_policy_cost'), '-', models.F('amount')))), name='medical_reimbursement_account_within_cost'),
        ),
        migrations.AddConstraint(
            model_name='accountcreditrule',
            constraint=models.UniqueConstraint(fields=('region', 'person_type', 'effective_from'), name='medical_account_rule_unique'),
        ),
        migrations.AddConstraint(
            model_name='accountcreditrule',
            constraint=models.CheckConstraint(condition=models.Q(('personal_share__gte', 0), ('personal_share__lte', 1), ('employer_share__gte', 0), ('employer_share__lte', 1), ('monthly_amount__gte', 0)), name='medical_account_rule_range'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
