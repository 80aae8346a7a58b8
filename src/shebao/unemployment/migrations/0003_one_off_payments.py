"""SY-004 … SY-007 with an effect: the one-off payments (skills subsidy, job-retention refund,
rural lump sum) and their rule rows. All confidence L (the figures are the common national
pattern, not a verified Hubei/Wuhan table), corrected by an administrator in the admin."""

import datetime as dt
from decimal import Decimal


import django.db.models.deletion
from django.db import migrations, models

SKILLS = "技能提升补贴（人社部发〔2017〕40号）；标准取常见的初级1000、中级1500、高级2000元，待核实湖北标准"
ROWS = [
    ("skill_subsidy_5", "1000", dt.date(2019, 1, 1), SKILLS),
    ("skill_subsidy_4", "1500", dt.date(2019, 1, 1), SKILLS),
    ("skill_subsidy_3", "2000", dt.date(2019, 1, 1), SKILLS),
    ("skill_min_months", "12", dt.date(2021, 1, 1), "参保缴费满1年可申领（2021年起由36个月放宽，文号待核实）"),
    ("rural_per_year", "900", dt.date(2019, 1, 1), "《失业保险条例》第二十一条；每满1年的补助标准为假设值，待核实湖北标准"),
    ("rural_max_years", "12", dt.date(2019, 1, 1), "《失业保险条例》第二十一条；最多计算年数为假设值，待核实"),
    ("retention_share", "0.6", dt.date(2019, 1, 1), "稳岗返还：大型企业返还上年度实际缴纳失业保险费的60%（中小微企业90%，未区分），待核实"),
]


def forwards(apps, schema_editor):
    Parameter = apps.get_model("unemployment", "Parameter")
    for key, value, start, source in ROWS:
        Parameter.objects.create(
            region="wuhan", key=key, value=Decimal(value), effective_from=start, source=source, confidence="L"
        )


def backwards(apps, schema_editor):
    apps.get_model("unemployment", "Parameter").objects.filter(key__in=[r[0] for r in ROWS]).delete()



class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_authorisation'),
        ('unemployment', '0002_rule_rows_data'),
    ]

    operations = [
        migrations.AlterField(
            model_name='parameter',
            name='key',
            field=models.CharField(choices=[('benefit_share', '失业保险金占最低工资比例 / Benefit as a share of the minimum wage'), ('minimum_wage', '当地最低工资标准（元/月）/ Local minimum wage (yuan a month)'), ('entitlement_cap', '合并计算最长领取月数 / Cap on months with carried entitlement'), ('claim_deadline_days', '申领期限（天）/ Days allowed to claim'), ('window_first_day', '异动期首日（每月几日）/ Monthly window opens on day'), ('window_last_day', '异动期末日（每月几日）/ Monthly window closes on day'), ('skill_subsidy_5', '技能提升补贴：初级（五级）（元）/ Skills subsidy, level 5 (yuan)'), ('skill_subsidy_4', '技能提升补贴：中级（四级）（元）/ Skills subsidy, level 4 (yuan)'), ('skill_subsidy_3', '技能提升补贴：高级（三级）（元）/ Skills subsidy, level 3 (yuan)'), ('skill_min_months', '技能提升补贴：累计缴费月数不少于 / Skills subsidy: months paid'), ('rural_per_year', '一次性生活补助：每满1年（元）/ Rural lump sum per full year (yuan)'), ('rural_max_years', '一次性生活补助：最多计算年数 / Rural lump sum: years counted at most'), ('retention_share', '稳岗返还：上年度失业保险费返还比例 / Job-retention refund share')], max_length=32, verbose_name='参数 / Parameter'),
        ),
        migrations.CreateModel(
            name='OneOffPayment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item_code', models.CharField(max_length=16, verbose_name='事项 / Item')),
                ('case_number', models.CharField(max_length=32, unique=True, verbose_name='办件编号 / Case')),
                ('unit_code', models.CharField(blank=True, max_length=18, verbose_name='单位 / Unit')),
                ('key', models.CharField(max_length=64, unique=True, verbose_name='幂等键 / Idempotency key')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12)),
                ('account', models.CharField(max_length=40, verbose_name='收款账号 / Paid to')),
                ('derivation', models.JSONField(default=dict)),
                ('status', models.CharField(choices=[('sent', '已发送银行 / Sent to the bank'), ('failed', '银行退回 / Returned by the bank')], default='sent', max_length=8)),
                ('bank_ref', models.CharField(blank=True, max_length=64)),
                ('failure', models.CharField(blank=True, max_length=200)),
                ('paid_at', models.DateTimeField()),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.person')),
            ],
            options={
                'verbose_name': '一次性待遇支付 / One-off payment',
                'verbose_name_plural': '一次性待遇支付 / One-off payments',
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='unemployment_one_off_positive')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
