"""Items the engine itself owns: the follow-up of a bad rating (差评整改回访)."""

from __future__ import annotations

from shebao.cases.handlers import items_register
from shebao.catalog.definitions import FieldSpec, ItemSpec, PhaseSpec, StepSpec

FOLLOW_UP_CODE = "PJ-001"

FOLLOW_UP = ItemSpec(
    code=FOLLOW_UP_CODE,
    name="服务评价差评整改回访",
    name_en="Follow-up of a bad service rating",
    insurance="general",
    policy_basis="《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）",
    skill_group="consult",
    risk_level=2,
    jurisdiction="receiving_office",
    channels=("system",),
    office_kinds=(),
    promised_days=5,
    description="差评自动生成整改回访件：回访申请人、核实整改、答复。",
    fields=(
        FieldSpec("rated_case", "被评价办件", "Rated case", "text"),
        FieldSpec("score", "评价等级", "Score", "int"),
        FieldSpec("comment", "评价内容", "Comment", "text", required=False, max_length=1000),
    ),
    phases=(
        PhaseSpec(
            code="follow_up",
            name="整改回访",
            name_en="Follow-up",
            promised_days=5,
            steps=(StepSpec("callback", "回访核实", "Call back", 1), StepSpec("reply", "整改答复", "Fix and reply", 2)),
        ),
    ),
)


def register_engine_items() -> None:
    items_register(FOLLOW_UP)
