"""Labels in the page's language and the working-day countdown the workbench shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from shebao.core.channels import Channel


def chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def label_of(label: object) -> str:
    """ "办理中 / In progress" → the half in the page's language; a channel value → its label."""
    text = str(label or "")
    if text in Channel.values:
        text = str(Channel(text).label)
    if " / " not in text:
        return text
    zh, en = text.split(" / ", 1)
    return zh if chinese() else en


def schema_labels(schema: list[dict[str, Any]]) -> dict[str, str]:
    return {f["name"]: (f["label"] if chinese() else f.get("label_en") or f["label"]) for f in schema}


@dataclass(frozen=True)
class Countdown:
    """Working days left on a case's clock, as the queue and the case page show it."""

    days: int
    text: str
    urgency: str  # overdue (red) · soon: due today or the next working day (amber) · ""


def countdown(days: int | None) -> Countdown | None:
    if days is None:
        return None
    if days < 0:
        text = ngettext("Overdue by %(n)d working day", "Overdue by %(n)d working days", -days) % {"n": -days}
        return Countdown(days, text, "overdue")
    if days == 0:
        return Countdown(days, _("Due today"), "soon")
    if days == 1:
        return Countdown(days, _("Due the next working day"), "soon")
    return Countdown(days, ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}, "")
