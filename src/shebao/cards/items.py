"""社会保障卡类服务事项: application, urgent production, loss report, unlocking, replacement,
changes, PIN reset, activation, cancellation and the electronic card."""

from __future__ import annotations

import re
from typing import Any

from shebao.cases.handlers import FormHandler, ItemHandler, items_register
from shebao.catalog.definitions import (
    ID_NUMBER,
    NAME,
    PHONE,
    Applicant,
    FieldSpec,
    ItemSpec,
    MaterialSpec,
)
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput
from shebao.core.identifiers import bank_card_validate

BASIS = "《中华人民共和国社会保险法》第五十八条"

# The card number printed on the card: 9 letters and digits (DOMAIN.md §7.3; no public checksum).
CARD_NUMBER_RE = re.compile(r"[0-9A-Z]{9}")

CARD_NUMBER = FieldSpec("card_number", "社会保障卡卡号", "Card number", max_length=9)
CARD_NUMBER_OPTIONAL = FieldSpec("card_number", "社会保障卡卡号", "Card number", required=False, max_length=9)
BANK = FieldSpec(
    "bank",
    "金融服务合作银行",
    "Partner bank",
    "choice",
    choices=(
        ("hankou", "汉口银行"),
        ("icbc", "中国工商银行"),
        ("abc", "中国农业银行"),
        ("boc", "中国银行"),
        ("ccb", "中国建设银行"),
        ("bocom", "交通银行"),
        ("psbc", "中国邮政储蓄银行"),
    ),
)
PICKUP = FieldSpec(
    "pickup", "领卡方式", "How the card is collected", "choice", choices=(("counter", "网点领取"), ("post", "邮寄到家"))
)
POST_ADDRESS = FieldSpec("post_address", "邮寄地址（邮寄时填写）", "Postal address (for posting)", required=False)

ID_CARD = MaterialSpec("id_card", "居民身份证", "Resident ID card")
PHOTO = MaterialSpec(
    "photo", "本人近期免冠彩色照片（可现场采集）", "Recent photo (may be taken on site)", required=False
)
THE_CARD = MaterialSpec("card", "社会保障卡原卡", "The social security card")

# --- handler ---------------------------------------------------------------------------------


class CardHandler(FormHandler):
    """社保卡: the card number's format, a valid bank account number, an address when posting."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        if "card_number" in cleaned:
            number = cleaned["card_number"].replace(" ", "").upper()
            if not CARD_NUMBER_RE.fullmatch(number):
                raise InvalidInput(
                    "社会保障卡卡号应为9位字母或数字", "A card number has 9 letters or digits", field="card_number"
                )
            cleaned["card_number"] = number
        if "bank_card" in cleaned:
            cleaned["bank_card"] = bank_card_validate(cleaned["bank_card"], field="bank_card")
        if cleaned.get("pickup") == "post" and not cleaned.get("post_address"):
            raise InvalidInput("选择邮寄的请填写邮寄地址", "Give the postal address for posting", field="post_address")
        return cleaned


# --- items -----------------------------------------------------------------------------------


def _item(**kw: Any) -> ItemSpec:
    defaults: dict[str, Any] = {
        "insurance": "card",
        "policy_basis": BASIS,
        "skill_group": "card",
        "risk_level": 1,
        "jurisdiction": "card_centre",
        "office_kinds": ("card_centre", "bank_outlet"),
        "handler": "cards.card",
    }
    return ItemSpec(**(defaults | kw))


ITEMS: tuple[ItemSpec, ...] = (
    _item(
        code="KA-001",
        name="社会保障卡申领",
        name_en="Application for a social security card",
        channels=("hall", "bank", "online", "app"),
        promised_days=10,
        saturday=True,
        description="首次申领社会保障卡，同时开通金融功能；可选择网点领取或邮寄到家。",
        form_group="card_service",
        fields=(ID_NUMBER, NAME, PHONE, BANK, PICKUP, POST_ADDRESS),
        materials=(ID_CARD, PHOTO),
    ),
    _item(
        code="KA-002",
        name="社会保障卡加急制卡",
        name_en="Urgent production of a social security card",
        channels=("hall",),
        office_kinds=("card_centre",),
        promised_days=0,
        saturday=True,
        description="因就医、领取待遇等急需用卡的，在社会保障卡服务中心即时制卡，当场领取。",
        form_group="card_service",
        fields=(ID_NUMBER, NAME, PHONE, BANK),
        materials=(ID_CARD, PHOTO),
    ),
    _item(
        code="KA-003",
        name="社会保障卡挂失",
        name_en="Loss report of a social security card",
        channels=("hall", "bank", "hotline", "online", "app"),
        promised_days=0,
        saturday=True,
        description="社会保障卡遗失或被盗的，可通过12333热线、网上服务大厅、手机App或合作银行网点即时挂失，社保功能和金融功能同时挂失。",
        form_group="card_service",
        fields=(ID_NUMBER, NAME, PHONE, CARD_NUMBER_OPTIONAL),
        materials=(
            MaterialSpec("id_card", "居民身份证（窗口办理时）", "Resident ID card (at a counter)", required=False),
        ),
    ),
    _item(
        code="KA-004",
        name="社会保障卡解挂（解锁）",
        name_en="Cancelling a loss report or unlocking a card",
        channels=("hall", "bank"),
        promised_days=0,
        saturday=True,
        description="找回已挂失的社会保障卡，或因密码输错被锁定的，本人持卡和身份证件即时办理。",
        form_group="card_service",
        fields=(
            ID_NUMBER,
            NAME,
            CARD_NUMBER,
            FieldSpec(
                "unlock_type",
                "办理类别",
                "What is done",
                "choice",
                choices=(("unloss", "解除挂失"), ("unlock", "密码锁定解锁")),
            ),
        ),
        materials=(ID_CARD, THE_CARD),
    ),
    _item(
        code="KA-005",
        name="社会保障卡补换卡",
        name_en="Replacement of a social security card",
        channels=("hall", "bank", "online", "app"),
        promised_days=10,
        saturday=True,
        description="挂失后补办或卡片损坏、到期、信息变更需换卡的，原卡同时注销。",
        form_group="card_service",
        fields=(
            ID_NUMBER,
            NAME,
            PHONE,
            CARD_NUMBER_OPTIONAL,
            FieldSpec(
                "reason",
                "补换原因",
                "Reason",
                "choice",
                choices=(
                    ("lost", "挂失补办"),
                    ("damaged", "损坏换卡"),
                    ("expired", "到期换卡"),
                    ("changed", "信息变更换卡"),
                ),
            ),
            BANK,
            PICKUP,
            POST_ADDRESS,
        ),
        materials=(
            ID_CARD,
            PHOTO,
            MaterialSpec("card", "社会保障卡原卡（换卡时）", "The old card (for an exchange)", required=False),
        ),
    ),
    _item(
        code="KA-006",
        name="社会保障卡信息变更",
        name_en="Change of social security card details",
        channels=("hall", "bank"),
        promised_days=0,
        saturday=True,
        description="变更卡面照片或预留手机号码；姓名、公民身份号码变更的，先办理参保信息更正后换卡。",
        form_group="card_service",
        fields=(
            ID_NUMBER,
            NAME,
            CARD_NUMBER,
            FieldSpec(
                "change_item",
                "变更事项",
                "What changes",
                "choice",
                choices=(("photo", "照片"), ("phone", "预留手机号码")),
            ),
            FieldSpec("new_value", "变更后内容", "New value", required=False),
        ),
        materials=(ID_CARD, THE_CARD),
    ),
    _item(
        code="KA-007",
        name="社会保障卡密码重置",
        name_en="Reset of the card PIN",
        channels=("bank", "hall"),
        office_kinds=("bank_outlet", "card_centre"),
        promised_days=0,
        description="忘记社保功能密码的，本人持卡和身份证件到合作银行网点即时重置。",
        form_group="card_service",
        fields=(ID_NUMBER, NAME, CARD_NUMBER),
        materials=(ID_CARD, THE_CARD),
    ),
    _item(
        code="KA-008",
        name="社会保障卡启用（金融账户激活）",
        name_en="Activation of the card's bank account",
        channels=("bank",),
        office_kinds=("bank_outlet",),
        promised_days=0,
        description="领卡后到发卡银行网点激活金融账户，设置交易密码后即可使用。",
        fields=(
            ID_NUMBER,
            NAME,
            CARD_NUMBER,
            FieldSpec("bank_card", "金融账户账号", "Bank account number on the card", max_length=19),
        ),
        materials=(ID_CARD, THE_CARD),
    ),
    _item(
        code="KA-009",
        name="社会保障卡注销",
        name_en="Cancellation of a social security card",
        channels=("hall", "bank"),
        promised_days=0,
        description="持卡人死亡、出境定居或重复持卡的，注销社会保障卡；金融账户按银行规定另行销户。",
        fields=(
            ID_NUMBER,
            NAME,
            CARD_NUMBER,
            FieldSpec(
                "reason",
                "注销原因",
                "Reason",
                "choice",
                choices=(("died", "持卡人死亡"), ("abroad", "出境定居"), ("duplicate", "重复持卡"), ("other", "其他")),
            ),
        ),
        materials=(
            MaterialSpec("id_card", "持卡人或代办人居民身份证", "ID card of the holder or agent"),
            MaterialSpec(
                "reason_proof",
                "注销事由证明（死亡、出境定居时）",
                "Proof of the reason",
                required=False,
                commitment_allowed=True,
            ),
        ),
    ),
    _item(
        code="KA-010",
        name="电子社会保障卡签发",
        name_en="Issue of the electronic social security card",
        channels=("app", "online"),
        office_kinds=(),
        promised_days=0,
        description="已持实体社会保障卡的，通过手机App实名认证后即时签发电子社会保障卡。",
        fields=(ID_NUMBER, NAME, PHONE),
        materials=(),
    ),
)

HANDLERS: dict[str, ItemHandler] = {"cards.card": CardHandler()}


def register_items() -> None:
    """Register this app's service items with the catalogue."""
    items_register(*ITEMS, handlers=HANDLERS)
