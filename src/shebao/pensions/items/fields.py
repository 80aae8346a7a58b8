"""The pension and work-injury items' shared form fields and materials, and the laws they cite."""

from __future__ import annotations

from shebao.catalog.definitions import FieldSpec, MaterialSpec

LAW = "《中华人民共和国社会保险法》"
INJURY_REGULATION = "《工伤保险条例》（国务院令第375号，国务院令第586号修订）"

BANK_CARD = FieldSpec("bank_card", "待遇发放银行卡号（社会保障卡金融账户）", "Bank card for payments", max_length=19)
RETIRE_DATE = FieldSpec("retire_date", "退休（待遇起始）日期", "Retirement date", "date")
UNIT_CODE = FieldSpec("unit_code", "用人单位统一社会信用代码", "Employer's unified social credit code", max_length=18)
RELATION = FieldSpec(
    "relation",
    "申领人与参保人关系",
    "Relation to the deceased",
    "choice",
    choices=(("spouse", "配偶"), ("child", "子女"), ("parent", "父母"), ("other", "其他法定继承人")),
)
DECEASED = (
    FieldSpec("deceased_id_number", "已故参保人公民身份号码", "ID number of the deceased", "id_number"),
    FieldSpec("deceased_name", "已故参保人姓名", "Name of the deceased"),
    FieldSpec("death_date", "死亡日期", "Date of death", "date"),
)

CLAIMANT_ID = MaterialSpec("claimant_id", "申领人居民身份证", "Claimant's ID card")
DEATH_PROOF = MaterialSpec(
    "death_proof", "死亡证明（医学死亡证明或公安、民政部门证明）", "Proof of death", commitment_allowed=True
)
KINSHIP_PROOF = MaterialSpec("kinship_proof", "亲属关系证明", "Proof of kinship", commitment_allowed=True)
BANK_CARD_COPY = MaterialSpec(
    "bank_card", "本人银行卡或社会保障卡", "The applicant's bank card or social security card"
)
