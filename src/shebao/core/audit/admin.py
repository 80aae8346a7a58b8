"""Every change made in the Django admin goes through the audit chain, with before and after.

:class:`AuditedModelAdmin` is the base of every ``ModelAdmin`` registered in shebao (core
re-registers the third-party ones — groups, authenticators, sign-in throttle records — on it;
a test checks the whole registry). It records, in the admin's own transaction:

- a save (``save_model``, also from a changelist's editable rows): the fields that changed,
  before and after, many-to-many included (a clerk's authority level 1 → 3, their groups);
  an addition: the new row;
- a deletion (``delete_model``, and the bulk "delete selected" through ``delete_queryset``):
  the row as it was;
- each row added, changed or deleted in an inline (``save_formset``), with its parent named;
- any other bulk action, when it is wrapped in :func:`audited_action` (the test refuses an
  admin that offers an unwrapped one).

Secrets are never written: a password hash, an authenticator's key, a throttle record's
request data are replaced by "changed" / "set". The actions are ``admin.add``,
``admin.change`` and ``admin.delete`` unless an admin names its own (``audit_action_names``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, overload

from django.contrib import admin
from django.db import models, transaction
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from shebao.core.audit.chain import record
from shebao.core.channels import Channel
from shebao.core.models import Account

SECRET_FIELDS = frozenset({"password", "key", "secret", "token"})
SECRET_CHANGED = "（已更改 / changed）"  # noqa: S105 - the marker written instead of a secret
SECRET_SET = "（已设置 / set）"  # noqa: S105 - likewise, for a new row
_PLAIN = (str, int, float, bool, decimal.Decimal, dt.date, dt.time, dt.timedelta, uuid.UUID, list, dict)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, _PLAIN):
        return value
    return str(value)  # files and other field values: their text


def snapshot(obj: models.Model, *, m2m: Mapping[str, Iterable[Any]] | None = None) -> dict[str, Any]:
    """The row's fields by name (a foreign key as its id, a many-to-many as sorted ids).

    ``m2m`` gives many-to-many values about to be saved (a form's cleaned data); without it they
    are read from the database.
    """
    data: dict[str, Any] = {f.name: _plain(f.value_from_object(obj)) for f in obj._meta.concrete_fields}
    for field in obj._meta.many_to_many:
        if m2m is not None and field.name in m2m:
            values = [getattr(item, "pk", item) for item in m2m[field.name]]
        elif obj.pk is not None:
            values = list(getattr(obj, field.name).values_list("pk", flat=True))
        else:
            continue
        data[field.name] = sorted(values, key=str)
    return data


def _stored(obj: models.Model) -> models.Model | None:
    return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None


def _m2m_from(form: Any) -> dict[str, Any] | None:
    cleaned = getattr(form, "cleaned_data", None)
    if not isinstance(cleaned, dict):
        return None
    names = {f.name for f in form.instance._meta.many_to_many} if hasattr(form, "instance") else set()
    return {name: cleaned[name] for name in names if name in cleaned}


def _untouched(form: Any, changed: Iterable[str] | None = None) -> frozenset[str]:
    """The form's fields the administrator left as they were. Their stored value may still
    differ after the save (a time shown to the minute is saved to the minute): that is the
    widget's rounding, not a change anyone made, so it is not reported."""
    fields = getattr(form, "fields", None)
    if not fields:
        return frozenset()
    return frozenset(fields) - frozenset(form.changed_data if changed is None else changed)


def _person(obj: models.Model) -> str:
    value = getattr(obj, "id_number", None)
    return value if isinstance(value, str) and len(value) <= 18 else ""


class AuditedModelAdmin(admin.ModelAdmin):  # any model: the base of every admin
    """The base of every admin: saves, deletions, inline rows and bulk actions are audited."""

    #: {"add" | "change" | "delete": action}: an admin whose changes have a domain name
    audit_action_names: ClassVar[Mapping[str, str]] = {}
    #: fields never written to the audit beyond "changed" / "set" (added to :data:`SECRET_FIELDS`)
    audit_secret_fields: ClassVar[frozenset[str]] = frozenset()

    # --- recording ------------------------------------------------------------------------

    def _secrets(self) -> frozenset[str]:
        return SECRET_FIELDS | self.audit_secret_fields

    def audit_record(
        self,
        request: HttpRequest,
        kind: str,
        obj: models.Model,
        *,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        subject_id: Any = None,
        parent: models.Model | None = None,
        untouched: frozenset[str] = frozenset(),
    ) -> None:
        """One event for one row: ``kind`` is add, change or delete. For a change only the fields
        that differ are written (except form fields left ``untouched``: see :func:`_untouched`);
        secrets are written as changed/set, never as values."""
        secrets = self._secrets()
        if kind == "change" and before is not None and after is not None:
            names = sorted((set(before) | set(after)) - untouched)
            old = {k: before.get(k) for k in names if before.get(k) != after.get(k)}
            if not old:
                return  # saved without a change
            new = {k: SECRET_CHANGED if k in secrets else after.get(k) for k in old}
            old = {k: v for k, v in old.items() if k not in secrets}
            before, after = old or None, new
        else:
            if before is not None:
                before = {k: v for k, v in before.items() if k not in secrets}
            if after is not None:
                after = {k: (SECRET_SET if v else v) if k in secrets else v for k, v in after.items()}
        if parent is not None:
            after = {**(after or {}), "_parent": f"{parent._meta.label}:{parent.pk}"}
        actor = request.user if isinstance(request.user, Account) else None
        record(
            actor=actor,
            action=self.audit_action_names.get(kind, f"admin.{kind}"),
            subject_type=obj._meta.label,
            subject_id=obj.pk if subject_id is None else subject_id,
            subject_person=_person(obj),
            before=before,
            after=after,
            channel=Channel.ADMIN,
        )

    # --- Django admin's hooks -----------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            stored = _stored(obj) if change else None
            before = snapshot(stored) if stored is not None else None
            super().save_model(request, obj, form, change)
            after = snapshot(obj, m2m=_m2m_from(form))
            kind = "change" if before is not None else "add"
            self.audit_record(request, kind, obj, before=before, after=after, untouched=_untouched(form))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before, pk = snapshot(obj), obj.pk
            super().delete_model(request, obj)
            self.audit_record(request, "delete", obj, before=before, after=None, subject_id=pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            rows = [(obj, snapshot(obj), obj.pk) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, before, pk in rows:
                self.audit_record(request, "delete", obj, before=before, after=None, subject_id=pk)

    def save_formset(self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool) -> None:
        assert isinstance(formset, BaseModelFormSet)
        with transaction.atomic():
            model = formset.model
            pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
            stored = {o.pk: snapshot(o) for o in model._default_manager.filter(pk__in=pks)}
            deleted = {id(f.instance): f.instance.pk for f in formset.deleted_forms if f.instance.pk is not None}
            super().save_formset(request, form, formset, change)
            parent = form.instance
            for obj in formset.new_objects:
                self.audit_record(request, "add", obj, before=None, after=snapshot(obj), parent=parent)
            forms = {id(f.instance): f for f in formset.initial_forms}
            for obj, fields in formset.changed_objects:
                untouched = _untouched(forms.get(id(obj)), fields)
                before = stored.get(obj.pk)
                self.audit_record(
                    request, "change", obj, before=before, after=snapshot(obj), parent=parent, untouched=untouched
                )
            for obj in formset.deleted_objects:
                pk = deleted.get(id(obj), obj.pk)
                before = stored.get(pk) or snapshot(obj)
                self.audit_record(request, "delete", obj, before=before, after=None, subject_id=pk, parent=parent)


Action = Callable[[Any, HttpRequest, Any], Any]


Scope = Callable[[Any, HttpRequest, Any], Any]


@overload
def audited_action(func: Action, *, scope: Scope | None = None) -> Action: ...


@overload
def audited_action(func: None = None, *, scope: Scope | None = None) -> Callable[[Action], Action]: ...


def audited_action(func: Action | None = None, *, scope: Scope | None = None) -> Action | Callable[[Action], Action]:
    """Wrap a bulk admin action so each row it changes or deletes is audited, before and after.

    ``scope(modeladmin, request, queryset)`` names the rows the action may touch when they are
    not the selected ones (e.g. a clean-up of every expired row). Rows an action creates are not
    seen: an action that creates rows records them itself.
    """

    def wrap(action: Action) -> Action:
        @functools.wraps(action)
        def run(modeladmin: AuditedModelAdmin, request: HttpRequest, queryset: Any) -> Any:
            rows = scope(modeladmin, request, queryset) if scope else queryset
            with transaction.atomic():
                before = {obj.pk: (obj, snapshot(obj)) for obj in rows}
                result = action(modeladmin, request, queryset)
                model = queryset.model
                after = {obj.pk: snapshot(obj) for obj in model._default_manager.filter(pk__in=list(before))}
                for pk, (obj, old) in before.items():
                    if pk not in after:
                        modeladmin.audit_record(request, "delete", obj, before=old, after=None, subject_id=pk)
                    else:
                        modeladmin.audit_record(request, "change", obj, before=old, after=after[pk])
            return result

        run.audited = True  # type: ignore[attr-defined]  # a mark on the function, read by action_is_audited
        return run

    return wrap(func) if func is not None else wrap


def action_is_audited(action: Callable[..., Any]) -> bool:
    """True for Django's "delete selected" (it deletes through ``delete_queryset``) and for
    actions wrapped in :func:`audited_action`."""
    from django.contrib.admin.actions import delete_selected

    target = getattr(action, "__func__", action)
    return target is delete_selected or bool(getattr(target, "audited", False))
