"""The engine's extension points for items: handlers and completion hooks, registered by the
domain apps into typed registries (``shebao.cases.handlers``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shebao.cases.handlers import FormHandler, completion_hooks, item_handlers, items_register
from shebao.catalog.definitions import ItemSpec, item_specs
from shebao.core.registry import AlreadyRegistered, NotRegistered

SRC = Path(__file__).resolve().parents[2] / "src" / "shebao"


def _spec(code: str, handler: str) -> ItemSpec:
    return ItemSpec(
        code=code,
        name=f"测试事项 {code}",
        name_en=f"Test item {code}",
        insurance="general",
        policy_basis="—",
        skill_group="register",
        risk_level=1,
        jurisdiction="receiving_office",
        channels=("hall",),
        office_kinds=("district_office",),
        promised_days=0,
        handler=handler,
    )


def test_every_registered_item_names_a_registered_handler():
    missing = {code: spec.handler for code, spec in item_specs.items() if spec.handler not in item_handlers}
    assert missing == {}
    assert len(item_specs) >= 52


def test_an_item_naming_an_unknown_handler_is_refused_at_registration():
    with pytest.raises(NotRegistered, match=r"'T-HANDLER-1' names unknown handler 'nobody.handles'"):
        items_register(_spec("T-HANDLER-1", "nobody.handles"))
    assert "T-HANDLER-1" not in item_specs


def test_a_second_handler_under_a_taken_key_is_refused():
    # given: the key registry's staff addition uses
    taken = item_handlers.get("registry.staff_add")
    # when
    with pytest.raises(AlreadyRegistered, match=r"item handlers: 'registry.staff_add'"):
        items_register(handlers={"registry.staff_add": FormHandler()})
    # then
    assert item_handlers.get("registry.staff_add") is taken


def test_a_missing_handler_is_a_typed_error():
    with pytest.raises(NotRegistered, match=r"item handlers: nothing is registered for 'no\.such'"):
        item_handlers.get("no.such")


def test_contributions_adds_to_registrys_staff_addition_with_a_completion_hook():
    hooks = completion_hooks.get("DJ-011")
    assert [hook.__qualname__ for hook in hooks] == ["record_declared_wage"]


def _branches_on_item_code(tree: ast.AST) -> list[int]:
    """Lines of handler methods that compare an item code (``code == X``, ``item.code in ...``)."""
    lines = []
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        for method in (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in ("clean", "complete")):
            for compare in (n for n in ast.walk(method) if isinstance(n, ast.Compare)):
                sides = [compare.left, *compare.comparators]
                names_code = any(
                    (isinstance(side, ast.Name) and side.id == "code")
                    or (isinstance(side, ast.Attribute) and side.attr == "code")
                    for side in sides
                )
                if names_code:
                    lines.append(compare.lineno)
    return lines


def test_no_item_handler_branches_on_item_codes():
    # one handler per item key: an item with its own effect has its own handler
    found = {
        str(path.relative_to(SRC)): lines
        for path in sorted([*SRC.glob("**/items.py"), *SRC.glob("**/items/*.py")])  # a module or a package
        if (lines := _branches_on_item_code(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}
