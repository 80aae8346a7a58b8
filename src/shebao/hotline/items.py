"""12333 和窗口咨询投诉类服务事项: consultation (即办), complaints (dispatch, then a reply
within 5 working days) and reports of fraud."""

from __future__ import annotations

from typing import Any

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.catalog.definitions import (
    ACCEPT,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
    PhaseSpec,
    StepSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput

LAW_82 = "《中华人民共和国社会保险法》第八十二条"
HOTLINE_GUIDE = "《关于加强人力资源社会保障系统电话咨询服务工作的指导意见》（人社厅发〔2010〕92号）"

# A complaint is answered within 5 working days of its receipt: 1 to dispatch, 4 to reply.
COMPLAINT_DISPATCH_DAYS = 1
COMPLAINT_REPLY_DAYS = 4

NAME = FieldSpec("name", "来电（来访）人姓名", "Caller's name")
PHONE = FieldSpec("phone", "联系电话", "Phone", "phone")
ID_NUMBER_OPTIONAL = FieldSpec("id_number", "公民身份号码", "ID number", "id_number", required=False)
TOPIC = FieldSpec(
    "topic",
    "业务类别",
    "Topic",
    "choice",
    choices=(
        ("pension", "养老保险"),
        ("medical", "医疗保险"),
        ("unemployment", "失业保险"),
        ("injury", "工伤保险"),
        ("maternity", "生育保险"),
        ("card", "社会保障卡"),
        ("service", "经办服务"),
        ("other", "其他"),
    ),
)
REPLY_BY = FieldSpec(
    "reply_by",
    "答复方式",
    "How to reply",
    "choice",
    choices=(("phone", "电话答复"), ("sms", "短信答复"), ("letter", "书面答复"), ("none", "无需答复")),
)

# --- handler ---------------------------------------------------------------------------------


class TicketHandler(FormHandler):
    """投诉举报: a reply by phone or text message needs a number to reach; an anonymous report
    asks for no reply."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        if cleaned.get("reply_by") in {"phone", "sms"} and not cleaned.get("phone"):
            raise InvalidInput("选择电话或短信答复的请留联系电话", "Give a phone number for the reply", field="phone")
        return cleaned


# --- items -----------------------------------------------------------------------------------

ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        code="RX-001",
        name="社会保险政策咨询",
        name_en="Policy consultation",
        insurance="general",
        policy_basis=HOTLINE_GUIDE,
        skill_group="consult",
        risk_level=1,
        jurisdiction="receiving_office",
        channels=("hotline", "hall", "community"),
        office_kinds=("district_office", "community_centre", "city_centre", "medical_centre", "card_centre", "hotline"),
        promised_days=0,
        saturday=True,
        description="政策咨询当场答复；疑难问题登记后由业务部门答复。",
        fields=(
            FieldSpec("name", "来电（来访）人姓名", "Caller's name", required=False),
            FieldSpec("phone", "联系电话", "Phone", "phone", required=False),
            TOPIC,
            FieldSpec("question", "咨询内容", "Question", max_length=2000),
        ),
    ),
    ItemSpec(
        code="RX-002",
        name="社会保险经办服务投诉",
        name_en="Complaint about social insurance services",
        insurance="general",
        policy_basis=f"{LAW_82}；{HOTLINE_GUIDE}",
        skill_group="consult",
        risk_level=2,
        jurisdiction="applicant_district",
        channels=("hotline", "hall", "online", "app"),
        office_kinds=("district_office", "city_centre", "hotline"),
        promised_days=COMPLAINT_DISPATCH_DAYS + COMPLAINT_REPLY_DAYS,
        max_extension_days=10,
        description=(
            "受理后1个工作日内派单至责任机构，自受理之日起5个工作日内答复投诉人；"
            "责任机构认为派单错误的，应在2个工作日内退回；情况复杂需延期的，经审批最多延长10个工作日。"
        ),
        fields=(
            NAME,
            PHONE,
            ID_NUMBER_OPTIONAL,
            TOPIC,
            FieldSpec("respondent", "被投诉机构或人员", "Office or person complained about", required=False),
            FieldSpec("content", "投诉内容", "Complaint", max_length=2000),
            REPLY_BY,
        ),
        materials=(MaterialSpec("evidence", "相关证据材料", "Supporting evidence", required=False),),
        phases=(
            PhaseSpec(
                code="dispatch",
                name="登记派单",
                name_en="Register and dispatch",
                steps=(StepSpec("accept", "登记派单", "Register and dispatch", 1),),
                jurisdiction="city_centre",
                promised_days=COMPLAINT_DISPATCH_DAYS,
            ),
            PhaseSpec(
                code="reply",
                name="责任机构核查答复",
                name_en="Responsible office investigates and replies",
                steps=(StepSpec("reply", "核查并答复投诉人", "Investigate and reply", 2),),
                promised_days=COMPLAINT_REPLY_DAYS,
            ),
        ),
        handler="hotline.ticket",
    ),
    ItemSpec(
        code="RX-003",
        name="社会保险违法违规行为举报",
        name_en="Report of social insurance fraud or violations",
        insurance="general",
        policy_basis=f"{LAW_82}；《社会保险基金监督举报工作管理办法》",
        skill_group="consult",
        risk_level=2,
        jurisdiction="city_centre",
        channels=("hotline", "hall", "online", "app"),
        office_kinds=("district_office", "city_centre", "hotline"),
        promised_days=15,
        description="举报欺诈骗取社会保险基金、违规发放待遇等行为；可匿名举报，实名举报的依法保护举报人信息并答复处理结果。",
        fields=(
            FieldSpec("name", "举报人姓名（可匿名）", "Reporter's name (may be anonymous)", required=False),
            FieldSpec("phone", "联系电话", "Phone", "phone", required=False),
            TOPIC,
            FieldSpec("reported", "被举报单位或个人", "Unit or person reported"),
            FieldSpec("content", "举报内容", "What is reported", max_length=2000),
            REPLY_BY,
        ),
        materials=(MaterialSpec("evidence", "相关证据材料", "Supporting evidence", required=False),),
        phases=(
            PhaseSpec(
                code="dispatch",
                name="登记派单",
                name_en="Register and dispatch",
                steps=(ACCEPT,),
                promised_days=1,
            ),
            PhaseSpec(
                code="investigate",
                name="核查处理并答复",
                name_en="Investigate and reply",
                steps=(
                    StepSpec("review", "调查核实", "Investigate", 2),
                    StepSpec("reply", "答复举报人", "Reply to the reporter", 2),
                ),
                promised_days=14,
            ),
        ),
        handler="hotline.ticket",
    ),
)

HANDLERS: dict[str, ItemHandler] = {"hotline.ticket": TicketHandler()}


def register_items() -> None:
    """Register this app's service items with the catalogue."""
    items_register(*ITEMS, handlers=HANDLERS)
