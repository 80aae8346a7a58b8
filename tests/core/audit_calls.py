"""Every place the source records an audit event, and the action it records, found by reading
the code (``ast``): calls of ``audit.record`` and of the small wrappers modules keep around it
(``_audit(case, action="accept")`` → ``case.accept``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import shebao

SRC = Path(shebao.__file__).parent
RECORDER_MODULES = {"shebao.core.audit", "shebao.core.audit.chain"}


@dataclass(frozen=True)
class Call:
    module: str  # path under src/shebao
    line: int
    value: str | None  # the action, when the code names it
    template: str  # the action as written: "case.{action}" for a computed one
    function: str = ""  # the qualified name of the function around the call ("AuditedAdmin.audit_record")


@dataclass(frozen=True)
class Wrapper:
    param: str
    prefix: str
    suffix: str
    default: str | None


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _recorder_names(tree: ast.Module, module: str) -> tuple[set[str], set[str]]:
    """(names bound to the audit module, names bound to ``record`` itself)."""
    modules, functions = set(), set()
    if module in RECORDER_MODULES:
        functions.add("record")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if node.module == "shebao.core" and alias.name == "audit":
                    modules.add(alias.asname or "audit")
                if node.module in RECORDER_MODULES and alias.name == "record":
                    functions.add(alias.asname or "record")
    return modules, functions


def _is_recorder(func: ast.expr, modules: set[str], functions: set[str]) -> bool:
    if isinstance(func, ast.Attribute) and func.attr == "record":
        return isinstance(func.value, ast.Name) and func.value.id in modules
    return isinstance(func, ast.Name) and func.id in functions


def _action(call: ast.Call) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == "action"), None)


def _template(expr: ast.expr) -> str:
    if isinstance(expr, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in expr.values
            if isinstance(part, ast.Constant | ast.FormattedValue)
        )
    return "{" + ast.unparse(expr) + "}"


def _wrappers(tree: ast.Module, modules: set[str], functions: set[str]) -> dict[str, Wrapper]:
    """Functions that pass their ``action`` parameter (maybe inside an f-string) as the action."""
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        args = node.args.args + node.args.kwonlyargs
        defaults = dict(zip([a.arg for a in node.args.kwonlyargs], node.args.kw_defaults, strict=True))
        defaults.update(dict(zip([a.arg for a in node.args.args][::-1], node.args.defaults[::-1], strict=False)))
        params = {a.arg for a in args}
        for inner in ast.walk(node):
            if not (isinstance(inner, ast.Call) and _is_recorder(inner.func, modules, functions)):
                continue
            expr = _action(inner)
            prefix = suffix = ""
            if isinstance(expr, ast.JoinedStr) and len(expr.values) in (2, 3):
                parts = expr.values
                middle = next((p for p in parts if isinstance(p, ast.FormattedValue)), None)
                if middle is None or not isinstance(middle.value, ast.Name):
                    continue
                index = parts.index(middle)
                prefix = "".join(p.value for p in parts[:index] if isinstance(p, ast.Constant))
                suffix = "".join(p.value for p in parts[index + 1 :] if isinstance(p, ast.Constant))
                expr = middle.value
            if isinstance(expr, ast.Name) and expr.id == "action" and expr.id in params:  # called with action=…
                default = defaults.get(expr.id)
                value = default.value if isinstance(default, ast.Constant) and isinstance(default.value, str) else None
                found[node.name] = Wrapper(expr.id, prefix, suffix, value)
    return found


def _qualnames(tree: ast.Module) -> dict[int, str]:
    """Each node's innermost enclosing function (or class) by qualified name, keyed by ``id``:
    a name that stays the same when the function moves to another module."""
    found: dict[int, str] = {}

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = f"{scope}.{child.name}" if scope else child.name
            found[id(child)] = inner
            visit(child, inner)

    visit(tree, "")
    return found


def audit_calls() -> list[Call]:
    trees = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            trees[path] = ast.parse(path.read_text(encoding="utf-8"))
    wrappers_by_module = {}
    for path, tree in trees.items():
        modules, functions = _recorder_names(tree, _module_name(path))
        wrappers_by_module[_module_name(path)] = _wrappers(tree, modules, functions)
    calls = []
    for path, tree in trees.items():
        name = _module_name(path)
        where = str(path.relative_to(SRC))
        modules, functions = _recorder_names(tree, name)
        constants = _constants(tree)
        scopes = _qualnames(tree)
        wrappers = dict(wrappers_by_module[name])
        for node in ast.walk(tree):  # wrappers imported from another module
            if isinstance(node, ast.ImportFrom) and node.module in wrappers_by_module:
                for alias in node.names:
                    if alias.name in wrappers_by_module[node.module]:
                        wrappers[alias.asname or alias.name] = wrappers_by_module[node.module][alias.name]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            expr = _action(node)
            if _is_recorder(node.func, modules, functions):
                if _inside_wrapper(tree, node, wrappers_by_module[name]):
                    continue  # a wrapper's own call: checked at the wrapper's calls
                wrapper = Wrapper("", "", "", None)
            elif isinstance(node.func, ast.Name) and node.func.id in wrappers:
                wrapper = wrappers[node.func.id]
            else:
                continue
            if expr is None:
                if wrapper.default is not None:
                    value = wrapper.prefix + wrapper.default + wrapper.suffix
                    calls.append(Call(where, node.lineno, value, "", scopes[id(node)]))
                continue
            if isinstance(expr, ast.Name) and expr.id in constants:
                expr = ast.Constant(constants[expr.id])
            if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
                value = wrapper.prefix + expr.value + wrapper.suffix
                calls.append(Call(where, node.lineno, value, "", scopes[id(node)]))
            else:
                template = wrapper.prefix + _template(expr) + wrapper.suffix
                calls.append(Call(where, node.lineno, None, template, scopes[id(node)]))
    return calls


def _inside_wrapper(tree: ast.Module, call: ast.Call, wrappers: dict[str, Wrapper]) -> bool:
    """The recorder call a wrapper makes with its parameter as the action."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in wrappers and any(i is call for i in ast.walk(node)):
            return True
    return False
