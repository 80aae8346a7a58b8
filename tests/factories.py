"""factory_boy factories for the core tables. Passwords are hashed once per session with the
real Argon2 hasher and reused, so tests stay fast without a weaker hasher."""

from __future__ import annotations

import datetime as dt
import functools
import itertools

import factory
from django.contrib.auth.hashers import make_password

from shebao.core.identifiers import id_number_make
from shebao.core.models import Account, Area, Office, Role

PASSWORD = "Shebao#2026"
_seq = itertools.count(1)


@functools.cache
def password_hash() -> str:
    return make_password(PASSWORD)


def new_id_number(region: str = "420102", birth: dt.date = dt.date(1985, 3, 14)) -> str:
    return id_number_make(region_code=region, birth_date=birth, sequence=next(_seq))


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = Area.Kind.DISTRICT


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OFF{n:04d}")
    name = factory.Sequence(lambda n: f"测试社保处{n}")
    kind = Office.Kind.DISTRICT_OFFICE


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyFunction(password_hash)
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    kind = Account.Kind.STAFF
    role = Role.CLERK
    authority_level = 1


def citizen_account(*, region: str = "420102", name: str = "张三", **kwargs) -> Account:
    number = kwargs.pop("id_number", None) or new_id_number(region)
    return AccountFactory(
        username=number, id_number=number, kind=Account.Kind.CITIZEN, role=Role.CITIZEN, full_name=name, **kwargs
    )
