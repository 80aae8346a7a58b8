"""The typed registry every extension point uses (``shebao.core.registry``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shebao.core.registry import AlreadyRegistered, HookRegistry, NotRegistered, Registry

Greeter = Callable[[str], str]


def test_an_entry_registered_under_a_key_is_found_by_it_in_registration_order():
    # given
    greeters: Registry[str, Greeter] = Registry("greeters")

    @greeters.register("zh")
    def hello_zh(name: str) -> str:
        return f"你好，{name}"

    greeters.register("en", lambda name: f"Hello, {name}")
    # when / then
    assert greeters.get("zh") is hello_zh
    assert greeters.get("en")("Li") == "Hello, Li"
    assert [key for key, _ in greeters.items()] == ["zh", "en"]
    assert "zh" in greeters and "fr" not in greeters and len(greeters) == 2


def test_another_entry_under_a_taken_key_is_refused_and_the_first_kept():
    # given
    greeters: Registry[str, Greeter] = Registry("greeters")

    def first(name: str) -> str:
        return name

    def second(name: str) -> str:
        return name.upper()

    greeters.register("zh", first)
    # when
    with pytest.raises(AlreadyRegistered, match=r"greeters: 'zh' is already registered") as refused:
        greeters.register("zh", second)
    # then
    assert refused.value.key == "zh"
    assert greeters.get("zh") is first


def test_the_same_entry_registered_again_is_harmless():
    greeters: Registry[str, Greeter] = Registry("greeters")

    def first(name: str) -> str:
        return name

    greeters.register("zh", first)
    greeters.register("zh", first)  # AppConfig.ready() may run twice
    assert greeters.values() == [first]


def test_an_equal_but_distinct_entry_is_still_another_entry():
    # entries are compared by identity: two equal records under one key are two registrations
    names: Registry[str, tuple[str, str]] = Registry("names")
    names.register("zh", ("中文", "Chinese"))
    with pytest.raises(AlreadyRegistered):
        names.register("zh", tuple(["中文", "Chinese"]))  # noqa: C409 - a distinct equal tuple


def test_a_missing_key_is_a_typed_error_and_find_answers_none():
    greeters: Registry[str, Greeter] = Registry("greeters")
    with pytest.raises(NotRegistered, match=r"greeters: nothing is registered for 'fr'") as missing:
        greeters.get("fr")
    assert (missing.value.registry, missing.value.key) == ("greeters", "fr")
    assert isinstance(missing.value, LookupError)
    assert greeters.find("fr") is None


def test_a_subclass_raises_its_own_errors():
    class UnknownGreeting(ValueError):
        pass

    class Greetings(Registry[str, Greeter]):
        def missing(self, key: str) -> Exception:
            return UnknownGreeting(key)

    with pytest.raises(UnknownGreeting):
        Greetings("greetings").get("fr")


def test_unregister_removes_a_key():
    greeters: Registry[str, Greeter] = Registry("greeters")
    greeters.register("zh", str.upper)
    greeters.unregister("zh")
    greeters.unregister("zh")  # nothing left: no error
    assert "zh" not in greeters


def test_hooks_of_a_key_run_in_registration_order_and_each_is_kept_once():
    # given
    hooks: HookRegistry[str, Greeter] = HookRegistry("hooks")

    @hooks.register("DJ-011")
    def first(name: str) -> str:
        return f"1:{name}"

    def second(name: str) -> str:
        return f"2:{name}"

    hooks.register("DJ-011", second)
    hooks.register("DJ-011", first)  # again: kept once
    # when / then
    assert [hook("x") for hook in hooks.get("DJ-011")] == ["1:x", "2:x"]
    assert hooks.get("DJ-012") == ()
    assert "DJ-011" in hooks and "DJ-012" not in hooks
    hooks.unregister("DJ-011", first)
    assert hooks.get("DJ-011") == (second,)


def test_audit_actions_refuse_an_old_spelling_named_for_two_actions():
    # given: the audit actions' registry is built on Registry; an alias is registered once
    from shebao.core.audit.actions import AuditActionConflict, AuditActionRegistry, AuditActions

    class Things(AuditActions):
        DO = "thing.do", "做 / Do"
        UNDO = "thing.undo", "撤销 / Undo"

    registry = AuditActionRegistry()
    registry.register(Things, aliases={"thing_do": "thing.do"})
    registry.register(Things, aliases={"thing_do": "thing.do"})  # the same again: harmless
    # when
    with pytest.raises(AuditActionConflict, match=r"'thing_do' names 'thing.do' and 'thing.undo'"):
        registry.register(Things, aliases={"thing_do": "thing.undo"})
    # then
    assert registry.aliases() == {"thing_do": "thing.do"}
    assert isinstance(AuditActionConflict("x", value="x"), AlreadyRegistered)
