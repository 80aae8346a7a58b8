"""Template helpers: bilingual labels, domain error messages and masking."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from shebao.core.errors import ShebaoError
from shebao.core.identifiers import mask_id_number

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


@register.filter
def pick(label: object) -> str:
    """ "窗口经办员 / Window clerk" → the half in the page's language (model choice labels)."""
    text = str(label or "")
    if " / " not in text:
        return text
    zh, en = text.split(" / ", 1)
    return zh if _chinese() else en


@register.filter
def case_status(case: Any) -> str:
    """A case's status as a list shows it: overdue, not "in progress", once past its due date."""
    from shebao.cases.selectors import case_status_shown

    return pick(case_status_shown(case))


@register.filter
def named(thing: object) -> str:
    """A catalogue object's name in the page's language: ``name_en`` on English pages where it
    is filled in (items, phases, steps, materials, form groups), else ``name``."""
    get = thing.get if isinstance(thing, dict) else lambda key, default="": getattr(thing, key, default)
    english = "" if _chinese() else get("name_en", "")
    return str(english or get("name", "") or "")


@register.filter
def channel(value: object) -> str:
    """A channel's code ("hall") → its label in the page's language, as the case pages show it."""
    from shebao.web.workbench.labels import label_of

    return label_of(value)


@register.filter
def audit_action(value: object) -> str:
    """An audit action's code ("case.accept") → its label in the page's language ("受理")."""
    from shebao.core.audit import audit_actions

    return audit_actions.label(str(value or ""), chinese=_chinese())


@register.filter
def errmsg(error: object) -> str:
    """A domain error's message in the page's language."""
    if isinstance(error, ShebaoError):
        return error.message_zh if _chinese() else error.message_en
    return str(error or "")


@register.filter
def masked(number: object) -> str:
    return mask_id_number(str(number or ""))
