"""Signed documents: the canonical content, the signature over it, the short code, key rotation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import subprocess
import sys
from decimal import Decimal
from types import MappingProxyType
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from shebao.core.documents import (
    CODE_ALPHABET,
    canonical_json,
    document_sign,
    document_sign_canonical,
    document_verify_content,
    random_symbols,
    signature_code,
)
from shebao.core.documents.signing import canonical_json_reference
from shebao.core.errors import InvalidInput

KEY = "k" * 40
OLD_KEY = "o" * 40
CONTENT = {
    "year": 2025,
    "person": {"name": "张三", "id_number_masked": "420102********1234"},
    "closing_balance": Decimal("12345.60"),
    "as_of": dt.date(2025, 12, 31),
    "months": [[1, Decimal("5000.00"), "paid"], [2, None, "none"]],
}


def test_canonical_json_is_sorted_compact_utf8_with_decimals_as_strings():
    # given content with keys out of order, a Decimal, a date and Chinese text
    # when it is serialised
    text = canonical_json({"b": Decimal("1.50"), "a": dt.date(2025, 1, 2), "名": "张三", "n": [1, None, True]})
    # then keys are sorted, nothing is escaped or spaced, the Decimal keeps its places
    assert text == '{"a":"2025-01-02","b":"1.50","n":[1,null,true],"名":"张三"}'


@pytest.mark.parametrize("bad", [1.5, dt.datetime(2025, 1, 1, 8, 0), object(), {1: "x"}, Decimal("NaN")])
def test_canonical_json_refuses_what_has_no_single_spelling(bad):
    with pytest.raises((TypeError, ValueError)):
        canonical_json({"x": bad})


@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
def test_signature_is_hmac_sha256_over_kind_ref_and_canonical_text():
    # when a document is signed
    signed = document_sign(kind="statement", ref="2025-ABC", content=CONTENT)
    # then the signature is recomputable by hand from the documented message
    message = f"shebao.document.v1\nstatement\n2025-ABC\n{canonical_json(CONTENT)}".encode()
    assert signed.signature == hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()
    assert signed.canonical == canonical_json(CONTENT)
    # and the code is 16 symbols of the alphabet in four groups, derived from the signature
    assert signed.code == signature_code(signed.signature)
    groups = signed.code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert signed.url.endswith(f"/verify/statement/2025-ABC/{signed.code}")


@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
def test_verify_accepts_the_genuine_content_and_rejects_one_changed_figure():
    signed = document_sign(kind="statement", ref="2025-ABC", content=CONTENT)
    assert document_verify_content(kind="statement", ref="2025-ABC", content=CONTENT, signature=signed.signature)
    assert document_verify_content(
        kind="statement", ref="2025-ABC", content=signed.canonical, signature=signed.signature
    )
    # one fen more on the balance
    altered = {**CONTENT, "closing_balance": Decimal("12345.61")}
    assert not document_verify_content(kind="statement", ref="2025-ABC", content=altered, signature=signed.signature)
    # the same content under another ref or kind
    assert not document_verify_content(kind="statement", ref="2025-ABD", content=CONTENT, signature=signed.signature)
    assert not document_verify_content(kind="receipt", ref="2025-ABC", content=CONTENT, signature=signed.signature)
    # and an altered figure gives another printed code
    assert document_sign(kind="statement", ref="2025-ABC", content=altered).code != signed.code


@pytest.mark.parametrize("signature", ["", "0" * 64, "zz", None, "é" * 64])
@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
def test_verify_never_raises_for_outside_input(signature):
    assert document_verify_content(kind="statement", ref="2025-ABC", content=CONTENT, signature=signature) is False
    assert document_verify_content(kind="BAD KIND", ref="x", content=CONTENT, signature="0" * 64) is False


def test_signing_refuses_a_ref_that_cannot_go_into_a_url():
    with pytest.raises(InvalidInput):
        document_sign(kind="statement", ref="420102199001011234/x", content=CONTENT)


def test_a_rotated_key_keeps_old_signatures_valid_through_the_fallbacks():
    # given a statement signed under the old key
    with override_settings(DOCUMENT_KEY=OLD_KEY, DOCUMENT_KEY_FALLBACKS=[]):
        old = document_sign(kind="statement", ref="2024-X", content=CONTENT)
    # when the key rotates with the old one kept as a fallback, it still verifies
    with override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[OLD_KEY]):
        assert document_verify_content(kind="statement", ref="2024-X", content=CONTENT, signature=old.signature)
        # and new signatures are made with the new key
        assert document_sign(kind="statement", ref="2024-X", content=CONTENT).signature != old.signature
    # without the fallback it no longer verifies
    with override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[]):
        assert not document_verify_content(kind="statement", ref="2024-X", content=CONTENT, signature=old.signature)


def test_production_refuses_to_sign_without_its_own_key(settings):
    settings.ENV = "production"
    settings.DOCUMENT_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        document_sign(kind="statement", ref="2025-ABC", content=CONTENT)
    settings.DOCUMENT_KEY = settings.SECRET_KEY  # the session key is not the document key
    with pytest.raises(ImproperlyConfigured):
        document_sign(kind="statement", ref="2025-ABC", content=CONTENT)


def _start(**env: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); print('started')"
    base = {k: v for k, v in os.environ.items() if not k.startswith("SHEBAO_") and k != "DATABASE_URL"}
    production = {
        "SHEBAO_ENV": "production",
        "SHEBAO_SECRET_KEY": "a-real-secret-from-the-vault-0123456789",
        "SHEBAO_PUBLIC_URL": "https://shebao.example.cn",
        "SHEBAO_AUDIT_KEY": "a" * 48,
        "DJANGO_SETTINGS_MODULE": "shebao.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **production, **env}, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_the_document_key():
    refused = _start()
    assert refused.returncode != 0 and "SHEBAO_DOCUMENT_KEY" in refused.stderr
    assert _start(SHEBAO_DOCUMENT_KEY="short").returncode != 0
    started = _start(SHEBAO_DOCUMENT_KEY="d" * 48)
    assert started.returncode == 0, started.stderr


# --- the fast serialiser against the first one ----------------------------------------------------

_KEYS = st.text(min_size=0, max_size=6)
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))])),
)
_CONTENT = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=4),
        st.dictionaries(_KEYS, inner, max_size=3).map(MappingProxyType),
    ),
    max_leaves=30,
)
_BAD = st.one_of(
    st.floats(allow_nan=True),
    st.just(Decimal("NaN")),
    st.just(Decimal("-Infinity")),
    st.datetimes(),  # naive
    st.just(object()),
    st.just({1: "x"}),
    st.just({True: "x"}),
    st.just({None: "x"}),
    st.just(b"bytes"),
    st.just({"a", "b"}),
)


def _outcome(serialise, content):
    try:
        return "ok", serialise(content)
    except (TypeError, ValueError) as refused:
        return "refused", type(refused)


@given(content=st.dictionaries(_KEYS, _CONTENT, max_size=6))
@hsettings(max_examples=300, deadline=None)
def test_the_fast_serialiser_writes_exactly_the_text_the_first_one_signed(content):
    # given random content of every kind a document may carry (nested dicts, lists, tuples and
    # mappings; Decimals, dates, aware times, Chinese text)
    # then the canonical text is byte for byte the first serialiser's, so every signature made
    # before still verifies
    assert canonical_json(content) == canonical_json_reference(content)


@given(content=st.dictionaries(_KEYS, _CONTENT, max_size=4), bad=_BAD, where=st.integers(0, 3))
@hsettings(max_examples=200, deadline=None)
def test_the_fast_serialiser_refuses_whatever_the_first_one_refused(content, bad, where):
    # given good content with one thing that has no canonical spelling put somewhere inside it
    nested = [{"x": bad}, [1, bad], ("t", {"deep": [bad]}), MappingProxyType({"m": bad})][where]
    content = {**content, "zz": nested}
    # then both serialisers refuse it, with the same kind of error
    assert _outcome(canonical_json, content)[0] == "refused"
    assert _outcome(canonical_json, content) == _outcome(canonical_json_reference, content)


@override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[])
def test_a_signature_made_over_the_first_serialiser_still_verifies():
    # given a statement-shaped content signed as the first serialiser spelled it
    content = {**CONTENT, "issued": dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))}
    message = f"shebao.document.v1\nstatement\n2025-ABC\n{canonical_json_reference(content)}".encode()
    old = hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()
    # then verification with today's serialiser accepts it, and signing today gives the same
    assert document_verify_content(kind="statement", ref="2025-ABC", content=content, signature=old)
    assert document_sign(kind="statement", ref="2025-ABC", content=content).signature == old


def _code_as_first_written(signature: str) -> str:
    digest = hashlib.sha256(f"shebao.document.v1.code\n{signature}".encode("ascii")).digest()
    bits = int.from_bytes(digest[:10], "big")
    raw = "".join(CODE_ALPHABET[(bits >> (5 * (16 - 1 - i))) & 31] for i in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


@given(signature=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
@hsettings(max_examples=300, deadline=None)
def test_the_printed_code_is_the_one_the_first_formula_gave(signature):
    # the code now comes from base32 mapped onto the code alphabet: the same 80 bits, the same symbols
    assert signature_code(signature) == _code_as_first_written(signature)


def test_the_issuers_path_takes_only_text_and_checks_kind_and_ref():
    with pytest.raises(TypeError):
        document_sign_canonical(kind="statement", ref="2025-ABC", canonical=CONTENT)  # type: ignore[arg-type]  # the refusal under test
    with pytest.raises(InvalidInput):
        document_sign_canonical(kind="statement", ref="../x", canonical="{}")


def test_the_keys_follow_the_settings_of_the_moment():
    # the checked and derived keys are kept between signatures, but a change of settings (a
    # rotation, a test's override) is seen at the next signature
    with override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[]):
        first = document_sign(kind="statement", ref="2025-ABC", content=CONTENT).signature
    with override_settings(DOCUMENT_KEY=OLD_KEY, DOCUMENT_KEY_FALLBACKS=[]):
        other = document_sign(kind="statement", ref="2025-ABC", content=CONTENT).signature
        assert not document_verify_content(kind="statement", ref="2025-ABC", content=CONTENT, signature=first)
    with override_settings(DOCUMENT_KEY=KEY, DOCUMENT_KEY_FALLBACKS=[]):
        assert document_sign(kind="statement", ref="2025-ABC", content=CONTENT).signature == first
    assert first != other
    with override_settings(DOCUMENT_KEY="short", DOCUMENT_KEY_FALLBACKS=[]), pytest.raises(ImproperlyConfigured):
        document_sign(kind="statement", ref="2025-ABC", content=CONTENT)


@given(count=st.integers(1, 40), data=st.data())
def test_random_symbols_are_the_random_bits_five_at_a_time_in_the_code_alphabet(count, data):
    from shebao.core.documents import codes

    drawn = data.draw(st.binary(min_size=(5 * count + 7) // 8, max_size=(5 * count + 7) // 8))
    with mock.patch.object(codes.secrets, "token_bytes", return_value=drawn) as token_bytes:
        symbols = random_symbols(count)
    bits = int.from_bytes(drawn, "big") >> (8 * len(drawn) - 5 * count)
    token_bytes.assert_called_once_with(len(drawn))  # one read of the random source
    assert symbols == "".join(CODE_ALPHABET[(bits >> (5 * (count - 1 - i))) & 31] for i in range(count))


def test_random_symbols_take_every_symbol_in_every_place():
    draws = [random_symbols(12) for _ in range(2000)]
    assert {len(d) for d in draws} == {12}
    assert all({d[i] for d in draws} == set(CODE_ALPHABET) for i in range(12))
    assert len(set(draws)) == len(draws)
