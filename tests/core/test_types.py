"""The type checker's escape hatches stay few and explained (mypy runs in ``make test``)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "shebao"
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<rest>.*)$")
EXPLAINED = re.compile(r"^\[[a-z-]+(, *[a-z-]+)*\]\s+#\s*\S")


def _unexplained(text: str) -> list[int]:
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if (found := IGNORE.search(line)) and not EXPLAINED.match(found["rest"])
    ]


def test_every_type_ignore_names_its_error_code_and_says_why():
    found = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and (lines := _unexplained(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_check_tells_an_explained_ignore_from_a_bare_one():
    assert _unexplained("x = f()  # type: ignore[misc]  # reportlab ships no type hints") == []
    assert _unexplained("x = f()  # type: ignore[arg-type, misc]  # why") == []
    assert _unexplained("x = f()  # type: ignore[misc]") == [1]
    assert _unexplained("x = f()  # type: ignore") == [1]
    assert _unexplained("ok = 1\nx = f()  # type: ignore  # no code") == [2]
