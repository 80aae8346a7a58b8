"""The app API's request and answer shapes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shebao.contributions.api_account import AccountOut
from shebao.medical.api import MedicalAccountOut


class AppTokenIn(Schema):
    id_number: str = Field(..., min_length=15, max_length=18, description="公民身份号码 / Resident ID number")
    password: str = Field(..., min_length=1, max_length=128)
    device_id: str = Field(..., min_length=8, max_length=128, description="设备标识 / Device id")


class AppRefreshIn(Schema):
    refresh_token: str = Field(..., min_length=1, max_length=128)
    device_id: str = Field(..., min_length=8, max_length=128)


class AppRevokeIn(Schema):
    all_devices: bool = False


class AppTokenOut(Schema):
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  (the scheme name, not a secret)
    access_token: str
    refresh_token: str
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime


class AppSmsChallengeOut(Schema):
    """The password was right and a code went by SMS: send it back with ``challenge``."""

    sms_required: Literal[True] = True
    challenge: str
    mobile_masked: str
    expires_at: dt.datetime
    resend_at: dt.datetime


class AppSmsCodeIn(Schema):
    challenge: str = Field(..., min_length=1, max_length=128)
    code: str = Field(..., min_length=1, max_length=8, description="短信验证码（6 位数字）/ The SMS code (6 digits)")
    device_id: str = Field(..., min_length=8, max_length=128)


class AppSmsResendIn(Schema):
    challenge: str = Field(..., min_length=1, max_length=128)
    device_id: str = Field(..., min_length=8, max_length=128)


class AppRevokedOut(Schema):
    revoked: int


class AppMeOut(Schema):
    name: str
    id_number_masked: str
    category: str | None
    category_label: str | None
    links: dict[str, str]


class AppNotificationOut(Schema):
    id: int
    channel: str
    subject: str
    body: str
    created_at: dt.datetime
    read: bool


class AppPushIn(Schema):
    platform: Literal["apns", "fcm", "hms", "mipush", "jpush"]
    token: str = Field(..., min_length=8, max_length=512)


class AppOkOut(Schema):
    ok: bool = True


class AppHoursOut(Schema):
    opens: str
    closes: str


class AppOutletOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    address: str
    phone: str
    latitude: float
    longitude: float
    distance_m: int
    open_now: bool
    next_opening: dt.datetime | None
    hours_today: list[AppHoursOut]
    day_kind: str
    waiting: int | None


class AppMaterialOut(Schema):
    code: str
    name: str
    name_en: str
    required: bool
    commitment_allowed: bool


class AppGuideOut(Schema):
    code: str
    name: str
    name_en: str
    insurance: str
    description: str
    policy_basis: str
    channels: list[str]
    office_kinds: list[str]
    saturday: bool
    promised_days: int | None
    legal_days: int | None
    instant: bool
    materials: list[AppMaterialOut]
    poster_url: str


# --- personal information (function 3) --------------------------------------------------------


class AppRecordLineOut(Schema):
    insurance: str
    label: str
    employer: Decimal | None
    personal: Decimal | None


class AppRecordMonthOut(Schema):
    period: dt.date
    base: Decimal
    status: str = Field(description="paid / arrears / due / transferred_in (arrears computed on read)")
    status_label: str
    payer: str = Field(description="缴费单位，灵活就业人员为空 / The paying unit; empty when self-paid")
    personal: Decimal
    employer: Decimal
    to_account: Decimal
    insurances: list[AppRecordLineOut]


class AppRecordsOut(Schema):
    page: int
    page_size: int
    total: int
    pages: int
    insurance: str | None
    year: int | None
    months: list[AppRecordMonthOut]


class AppAccountsOut(Schema):
    pension: AccountOut
    medical: MedicalAccountOut
