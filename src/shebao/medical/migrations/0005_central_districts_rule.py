"""Data: the new urban districts whose military-transferred cadres stay under central management
(新城区除外), as a rule row an administrator corrects in the admin."""

import datetime as dt

from django.db import migrations

CODES = ["420112", "420113", "420114", "420115", "420116", "420117"]
NOTE = (
    "新城区：东西湖区、汉南区、蔡甸区、江夏区、黄陂区、新洲区（汉南区现由武汉经济技术开发区代管，按原区划代码列出）。"
    "待武汉市医疗保障局属地化管理文件核实。/ The new urban districts: Dongxihu, Hannan, Caidian, Jiangxia, "
    "Huangpi, Xinzhou (Hannan is administered by the economic development zone; listed by its own code). "
    "To verify against the bureau's notice on district management."
)


def forwards(apps, schema_editor):
    apps.get_model("medical", "CentralDistrictsRule").objects.create(
        region="wuhan",
        effective_from=dt.date(2024, 1, 1),
        source="issue #12：自主择业军转干部医疗和生育保险属地化管理（新城区除外）",
        confidence="L",
        note=NOTE,
        district_codes=CODES,
    )


def backwards(apps, schema_editor):
    apps.get_model("medical", "CentralDistrictsRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("medical", "0004_cadres")]
    operations = [migrations.RunPython(forwards, backwards)]
