"""Typed domain errors, each carrying its message in Chinese first and English.

Services raise these; each channel maps them once: a form error on a page, a 4xx JSON body in
the API, an exit code on the command line. Anything else reaching a user is a bug.
"""

from __future__ import annotations

from typing import Any


class ShebaoError(Exception):
    """Base of every error a user may cause. ``status`` is the HTTP status it maps to."""

    status: int = 400
    code: str = "error"

    def __init__(self, zh: str, en: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(f"{zh} / {en}")
        self.message_zh = zh
        self.message_en = en
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message_zh, "message_en": self.message_en}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(ShebaoError):
    status = 422
    code = "invalid"


class NotAllowed(ShebaoError):
    """The actor may not do this (role, jurisdiction, ownership)."""

    status = 403
    code = "forbidden"


class NotFound(ShebaoError):
    """Not there, or not visible to this actor: the two are deliberately indistinguishable."""

    status = 404
    code = "not_found"

    def __init__(self, zh: str = "未找到该记录", en: str = "Not found", **kwargs: Any) -> None:
        super().__init__(zh, en, **kwargs)


class Conflict(ShebaoError):
    """Someone else changed the record first, or the action repeats one already done."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """The record changed since the page showed it (optimistic locking): someone acted first."""


class TooManyAttempts(ShebaoError):
    """Too many failed attempts from one client or at one record: wait, then try again."""

    status = 429
    code = "too_many_attempts"
