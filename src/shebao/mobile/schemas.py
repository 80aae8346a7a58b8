"""The app API's request and answer shapes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class TokenIn(Schema):
    id_number: str = Field(..., min_length=15, max_length=18, description="公民身份号码 / Resident ID number")
    password: str = Field(..., min_length=1, max_length=128)
    device_id: str = Field(..., min_length=8, max_length=128, description="设备标识 / Device id")


class RefreshIn(Schema):
    refresh_token: str = Field(..., min_length=1, max_length=128)
    device_id: str = Field(..., min_length=8, max_length=128)


class RevokeIn(Schema):
    all_devices: bool = False


class TokenOut(Schema):
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  (the scheme name, not a secret)
    access_token: str
    refresh_token: str
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime


class RevokedOut(Schema):
    revoked: int


class MeOut(Schema):
    name: str
    id_number_masked: str
    category: str | None
    category_label: str | None
    links: dict[str, str]


class NotificationOut(Schema):
    id: int
    channel: str
    subject: str
    body: str
    created_at: dt.datetime
    read: bool


class PushIn(Schema):
    platform: Literal["apns", "fcm", "hms", "mipush", "jpush"]
    token: str = Field(..., min_length=8, max_length=512)


class OkOut(Schema):
    ok: bool = True


class HoursOut(Schema):
    opens: str
    closes: str


class OutletOut(Schema):
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
    hours_today: list[HoursOut]
    day_kind: str
    waiting: int | None


class MaterialOut(Schema):
    code: str
    name: str
    name_en: str
    required: bool
    commitment_allowed: bool


class GuideOut(Schema):
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
    materials: list[MaterialOut]
    poster_url: str
