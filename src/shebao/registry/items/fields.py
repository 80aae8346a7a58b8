"""The registry items' shared form fields and materials (a field keeps one name, type and label
across a 一表通 group), and the law they cite."""

from __future__ import annotations

from shebao.catalog.definitions import (
    PHONE,
    FieldSpec,
    MaterialSpec,
)

LAW = "《中华人民共和国社会保险法》"

# --- shared form fields (a field keeps one name, type and label across a 一表通 group) -------

ADDRESS = FieldSpec("address", "居住地址", "Residential address")
START_MONTH = FieldSpec("start_month", "缴费起始月份", "First contribution month", "date")

UNIT_CODE = FieldSpec("unit_code", "统一社会信用代码", "Unified social credit code", max_length=18)
UNIT_NAME = FieldSpec("unit_name", "单位名称", "Unit name", max_length=128)
UNIT_TYPE = FieldSpec(
    "unit_type",
    "单位类型",
    "Unit type",
    "choice",
    choices=(
        ("enterprise", "企业"),
        ("public", "机关事业单位"),
        ("social", "社会团体"),
        ("private_nonprofit", "民办非企业单位"),
        ("individual", "有雇工的个体工商户"),
    ),
)
UNIT_FIELDS = (
    UNIT_CODE,
    UNIT_NAME,
    UNIT_TYPE,
    FieldSpec("legal_rep", "法定代表人（负责人）", "Legal representative"),
    FieldSpec("legal_rep_id", "法定代表人身份证号码", "Legal representative's ID number", "id_number"),
    FieldSpec("founded_on", "成立日期", "Date founded", "date"),
    FieldSpec("unit_address", "单位地址", "Unit address"),
    FieldSpec("contact", "经办人", "Contact person"),
    PHONE,
    FieldSpec("bank_name", "缴费开户银行", "Bank for contributions"),
    FieldSpec("bank_account", "缴费银行账号", "Bank account for contributions", max_length=40),
    FieldSpec("staff_count", "参保职工人数", "Number of insured staff", "int"),
    FieldSpec("start_month", "参保起始月份", "First insured month", "date"),
)

LICENCE = MaterialSpec(
    "licence",
    "营业执照（或事业单位法人证书、社会团体登记证书等批准成立证件）",
    "Business licence or other founding certificate",
    commitment_allowed=True,  # 市场监管等部门共享数据可核验
)
LEGAL_REP_ID = MaterialSpec("legal_rep_id", "法定代表人（负责人）居民身份证", "Legal representative's ID card")
ADDRESS_PROOF = MaterialSpec("address_proof", "居住地址证明", "Proof of address", commitment_allowed=True)
