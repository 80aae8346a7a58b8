"""The enumeration of audit actions.

Each app declares the actions it records as a :class:`AuditActions` (a ``TextChoices`` whose
labels read "中文 / English", as every choice label in shebao does) in its
``audit_actions.py``, and registers it from its ``AppConfig.ready()``: core knows the actions
only through this registry and imports no domain app. :func:`shebao.core.audit.record` refuses
an action nobody declared, so two spellings of one fact cannot appear again, and pages show
the label ("受理") instead of the code (``case.accept``).

The hash chain covers the action string, so stored events are never rewritten: an old
spelling stays as an *alias* of the action it duplicated — shown with the same label, found by
the same queries (:meth:`AuditActionRegistry.spellings`), refused for new events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.db import models

from shebao.core.registry import AlreadyRegistered, NotRegistered, Registry


class AuditActions(models.TextChoices):
    """Base of every app's enumeration of audit actions (it has no members of its own)."""


@dataclass(frozen=True)
class AuditAction:
    value: str
    label_zh: str
    label_en: str
    declared_by: str  # the enumeration's qualified name, for error messages


class UnknownAuditAction(NotRegistered):
    """An action no app declared: a wiring bug, found by the first call that records it."""

    def __init__(self, value: str, *, alias_of: str = "") -> None:
        if alias_of:
            zh = f"审计操作 {value!r} 是旧写法，请用 {alias_of!r}"
            en = f"Audit action {value!r} is an old spelling kept for stored events: record {alias_of!r}"
        else:
            zh = f"未登记的审计操作 {value!r}"
            en = (
                f"Unknown audit action {value!r}: declare it in the recording app's audit_actions.py "
                "(an AuditActions enumeration registered in its AppConfig.ready())"
            )
        super().__init__("audit actions", value, f"{zh} / {en}")
        self.value = value


class AuditActionConflict(AlreadyRegistered):
    """Two enumerations declare one value, or an alias names an action that is not declared."""

    def __init__(self, message: str, *, value: str) -> None:
        super().__init__("audit actions", value, message)


# "中文 / English": the English half follows the last slash (the Chinese may hold one itself:
# "不予受理/不予办理 / Rejected")
_HALVES = re.compile(r"^(?P<zh>.+?)\s*/\s*(?P<en>[A-Za-z][^/]*)$")


def _split(label: str) -> tuple[str, str]:
    found = _HALVES.match(label.strip())
    if found is None:
        return label, label
    return found["zh"], found["en"]


class AuditActionRegistry:
    """Every audit action this process may record, with its labels and old spellings."""

    def __init__(self) -> None:
        self._actions: Registry[str, AuditAction] = Registry("audit actions")
        self._aliases: Registry[str, str] = Registry("audit action aliases")

    def register(self, choices: type[AuditActions], *, aliases: Mapping[str, str] | None = None) -> None:
        """Declare an app's actions (idempotent for the same enumeration)."""
        owner = f"{choices.__module__}.{choices.__qualname__}"
        for member in choices:
            known = self._actions.find(member.value)
            if known is not None:
                if known.declared_by != owner:
                    raise AuditActionConflict(
                        f"{member.value!r} is declared by {known.declared_by} and {owner}", value=member.value
                    )
                continue  # the same enumeration again
            zh, en = _split(str(member.label))
            self._actions.register(member.value, AuditAction(member.value, zh, en, owner))
        for old, new in (aliases or {}).items():
            if new not in self._actions:
                raise AuditActionConflict(f"alias {old!r} names {new!r}, which is not declared", value=old)
            if old in self._actions:
                raise AuditActionConflict(f"alias {old!r} is also declared as an action", value=old)
            pointed = self._aliases.find(old)
            if pointed is not None and pointed != new:
                raise AuditActionConflict(f"alias {old!r} names {pointed!r} and {new!r}", value=old)
            if pointed is None:
                self._aliases.register(old, new)

    def require(self, value: str) -> AuditAction:
        """The declared action ``value`` names; an alias or an unknown value is refused."""
        action = self._actions.find(value)
        if action is None:
            raise UnknownAuditAction(value, alias_of=self._aliases.find(value) or "")
        return action

    def get(self, value: str) -> AuditAction | None:
        """The action a stored value means (aliases resolved), or None."""
        return self._actions.find(self._aliases.find(value) or value)

    def label(self, value: str, *, chinese: bool = True) -> str:
        """The label in one language; an unknown value is shown as it is."""
        action = self.get(value)
        if action is None:
            return value
        return action.label_zh if chinese else action.label_en

    def spellings(self, value: str) -> list[str]:
        """Every stored spelling of an action (itself and its aliases), for queries."""
        canonical = self._aliases.find(value) or value
        return [canonical, *sorted(old for old, new in self._aliases.items() if new == canonical)]

    def __contains__(self, value: object) -> bool:
        return value in self._actions

    def __iter__(self) -> Iterator[AuditAction]:
        return iter(sorted(self._actions.values(), key=lambda a: a.value))

    def aliases(self) -> dict[str, str]:
        return dict(self._aliases.items())


audit_actions = AuditActionRegistry()
