"""Item handlers and completion hooks: what the domain apps plug into the engine.

A service item names its handler by key (``ServiceItem.handler``). The app that owns the item
implements :class:`ItemHandler` for it, usually by subclassing :class:`FormHandler`, one
handler per kind of effect (an item's handler never branches on item codes), and registers
handlers and item definitions together with :func:`items_register` from its
``AppConfig.ready()``. The engine finds a handler in :data:`item_handlers` and never imports a
domain app. An app above the item's owner adds to the item's effect with a completion hook
(:data:`completion_hooks`, e.g. contributions records the wage declared on registry's staff
addition), run after the handler in the completing transaction: explicit, unlike a signal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from shebao.catalog.definitions import Applicant, ItemSpec, clean_form, item_specs
from shebao.core.registry import HookRegistry, NotRegistered, Registry

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.catalog.models import ServiceItem
    from shebao.core.models import Account


class ItemHandler(Protocol):
    """Validates an item's form at receipt and applies its effect when the case completes."""

    @property
    def unit_files_for_staff_only(self) -> bool:
        """An employer files an item that names its unit (a ``unit_code`` field) for the
        people it employs or employed. False where the item concerns the unit itself or creates
        the relation (unit registration, base declaration, 增员): the engine then asks for no
        tie between the unit and the person."""
        ...

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        """The cleaned form (JSON-able), or an ``InvalidInput``/``Conflict`` naming what is
        wrong: whatever completion would refuse is refused here, at the window."""
        ...

    def materials_required(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, bool]:
        """Which of the item's materials this case requires, by material code, where that
        depends on the case (the employer's evidence only where the employer declares; an
        agent's authorisation only when an agent files): asked once at receipt with the cleaned
        form, the answer kept on the case's materials (``CaseMaterial.required``). A code left
        out keeps the catalogue's ``required``; a code the item does not list is ignored."""
        ...

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        """Apply the effect inside the completing transaction; return a summary for the audit."""
        ...


class FormHandler:
    """The generic handler, and the base of the domain apps' handlers: the form is checked
    against the item's schema, every material is required as the catalogue says, and completion
    has no effect beyond the case itself."""

    unit_files_for_staff_only: bool = True

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        return clean_form(item.form_schema, form)

    def materials_required(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, bool]:
        return {}  # the catalogue's required flags, as they are

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        return None


class CompletionHook(Protocol):
    """Adds to an item's effect after its handler, in the same transaction:
    ``hook(case, actor, handler_result)`` returns a summary for the audit, or None."""

    def __call__(
        self, case: Case, actor: Account | None, result: dict[str, Any] | None, /
    ) -> dict[str, Any] | None: ...


item_handlers: Registry[str, ItemHandler] = Registry("item handlers")
item_handlers.register("generic", FormHandler())

completion_hooks: HookRegistry[str, CompletionHook] = HookRegistry("completion hooks")


def items_register(*specs: ItemSpec, handlers: Mapping[str, ItemHandler] | None = None) -> None:
    """Register an app's handlers, then its item definitions (from its ``AppConfig.ready()``).
    A handler key or an item code taken by another entry, and an item naming a handler nobody
    registered, are wiring bugs refused at start-up."""
    for key, handler in (handlers or {}).items():
        item_handlers.register(key, handler)
    for spec in specs:
        if spec.handler not in item_handlers:
            raise NotRegistered(
                item_handlers.name, spec.handler, f"service item {spec.code!r} names unknown handler {spec.handler!r}"
            )
        item_specs.register(spec.code, spec)
