"""Helpers shared by the page tests: persons, units, TOTP devices and signed-in clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core.models import Account, Area
from shebao.registry.models import Employment, Person, Unit
from tests.factories import new_id_number

MODEL_BACKEND = "shebao.core.backends.AccountBackend"


def make_person(
    *, district: Area, name: str = "陈一", account: Account | None = None, id_number: str | None = None, **kw
) -> Person:
    number = id_number or (account.id_number if account is not None else None) or new_id_number(district.code)
    return Person.objects.create(
        id_number=number,
        name=name,
        sex=kw.pop("sex", Person.Sex.MALE),
        birth_date=kw.pop("birth_date", dt.date(1985, 3, 14)),
        category=kw.pop("category", Person.Category.EMPLOYEE),
        district=district,
        account=account,
        **kw,
    )


def make_unit(*, code: str, district: Area, name: str = "武汉测试有限公司") -> Unit:
    return Unit.objects.create(credit_code=code, name=name, district=district)


def employ(
    person: Person, unit: Unit, *, start: dt.date = dt.date(2020, 1, 1), end: dt.date | None = None
) -> Employment:
    return Employment.objects.create(person=person, unit=unit, start=start, end=end)


def confirmed_device(user: Account) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (RFC 6238, django_otp's own implementation)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def sign_in(client: Client, user: Account) -> Client:
    """A signed-in session; for staff also verified with the second factor, as after the form."""
    client.force_login(user, backend=MODEL_BACKEND)
    if user.kind == Account.Kind.STAFF:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def money(value: str) -> Decimal:
    return Decimal(value)
