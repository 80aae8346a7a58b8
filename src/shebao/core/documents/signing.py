"""Signed documents: a signature over a document's content, and the short code that carries it.

A plain verification code (:mod:`.codes`) proves that a number was issued here. A document
whose figures matter (an annual rights statement, a decision letter, a pension statement, a
receipt) is also signed over its content, so that a forged or altered figure fails:

* the content is serialised canonically (:func:`canonical_json`): keys sorted, no whitespace,
  UTF-8, Decimals as their strings, dates and times ISO 8601; floats are refused (a float has
  no single decimal spelling, and money is never a float here);
* the signature is HMAC-SHA256 over ``shebao.document.v1``, the kind, the ref and that text,
  keyed by ``settings.DOCUMENT_KEY`` (``SHEBAO_DOCUMENT_KEY``: not ``SECRET_KEY``, so the
  session key can rotate without touching issued paper, and the other way round); in the demo
  and tests the key is derived from ``SECRET_KEY``; elsewhere its absence refuses to sign;
* ``settings.DOCUMENT_KEY_FALLBACKS`` keep signatures made under earlier keys valid after a
  rotation (every key is tried, each compared in constant time);
* the code printed is sixteen symbols of the code alphabet taken from a digest of the
  signature: short enough to type, and it changes whenever any figure changes.

The cryptography package (Ed25519) is not installed; HMAC keeps the key at the agency, which
is where verification happens (the public page), so a public key would add nothing today.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shebao.core.documents.codes import (
    BASE32_TO_CODE,
    CODE_LENGTH,
    _check_subject,
    _group,
    verification_path,
    verification_url,
)
from shebao.core.errors import InvalidInput

__all__ = [
    "Signed",
    "canonical_json",
    "document_sign",
    "document_sign_canonical",
    "document_verify_content",
    "signature_code",
    "signing_key_check",
]

MIN_KEY_LENGTH = 32
_DOMAIN = "shebao.document.v1"
_DERIVATION = b"shebao.document.signing.v1"
_DEMO_ENVS = frozenset({"demo", "test"})


def _plain(value: Any) -> Any:
    """The reference serialiser's conversion (kept as the specification :func:`canonical_json`
    must match byte for byte; the tests compare the two over random content)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a document cannot carry {value}")
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a signed time must be aware")
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("a signed document holds no floats (use Decimal)")
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a signed document's keys are strings, not {type(key).__name__}")
            out[key] = _plain(item)
        return out
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"a signed document cannot hold {type(value).__name__}")


def canonical_json_reference(content: Mapping[str, Any]) -> str:
    """:func:`canonical_json` as first written (convert everything, then ``json.dumps``): slower,
    kept so that tests can hold the fast one to it."""
    return json.dumps(_plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# The types json's C encoder writes as _plain would leave them (no conversion, no check).
_LEAVES = frozenset({str, int, bool, type(None)})


def _check(value: Any) -> None:
    """Refuse what has no canonical spelling (floats, non-string keys, unknown objects, naive
    times, non-finite Decimals) without building a converted copy: the encoder's ``default``
    (:func:`_default`) converts the rest as it writes. Exact types first (a statement's content
    is dicts, lists and strings); anything else goes through the same tests as :func:`_plain`."""
    kind = type(value)
    if kind in _LEAVES:
        return
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise TypeError(f"a signed document's keys are strings, not {type(key).__name__}")
            if type(item) not in _LEAVES:
                _check(item)
        return
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _LEAVES:
                _check(item)
        return
    _plain_leaf_check(value)


def _plain_leaf_check(value: Any) -> None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a document cannot carry {value}")
        return
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a signed time must be aware")
        return
    if isinstance(value, dt.date):
        return
    if isinstance(value, float):
        raise TypeError("a signed document holds no floats (use Decimal)")
    if isinstance(value, Mapping):
        _check(dict(value.items()))
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check(item)
        return
    if isinstance(value, str | int | bool):
        return
    raise TypeError(f"a signed document cannot hold {type(value).__name__}")


def _default(value: Any) -> Any:
    """What the encoder cannot write itself, converted as :func:`_plain` does (checked already)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value.items())
    raise TypeError(f"a signed document cannot hold {type(value).__name__}")  # pragma: no cover (checked)


# check_circular off: _check has walked the content first (a cycle never reaches the encoder),
# and the encoder's own bookkeeping of every container it enters was a tenth of its time
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default, check_circular=False
)


def canonical_json(content: Mapping[str, Any]) -> str:
    """The one spelling of ``content`` that is signed: sorted keys, no whitespace, UTF-8 text.

    Byte for byte :func:`canonical_json_reference` (keys sorted, Decimals as their strings,
    times in UTC ISO 8601, floats refused), written by json's C encoder straight from the
    content after one checking walk instead of a converted copy of it (a third of the time)."""
    _check(content)
    return _ENCODER.encode(content)


def _keys() -> list[bytes]:
    """The signing key first, then the fallbacks that still verify (checked and derived once
    for the settings they come from: a statement run signs hundreds of thousands)."""
    configured = str(getattr(settings, "DOCUMENT_KEY", "") or "")
    fallbacks = tuple(str(k) for k in getattr(settings, "DOCUMENT_KEY_FALLBACKS", []) or [] if k)
    source = (configured, fallbacks, settings.SECRET_KEY, getattr(settings, "ENV", "production"))
    known = _KEYS.get(source)
    if known is None:
        known = _keys_of(*source)
        _KEYS.clear()  # one entry: the settings of now (tests change them)
        _KEYS[source] = known
    return list(known)


_KEYS: dict[tuple[str, tuple[str, ...], str, str], tuple[bytes, ...]] = {}


def _keys_of(configured: str, fallbacks: tuple[str, ...], secret_key: str, env: str) -> tuple[bytes, ...]:
    if configured:
        for key in [configured, *fallbacks]:
            if len(key) < MIN_KEY_LENGTH:
                raise ImproperlyConfigured(
                    f"SHEBAO_DOCUMENT_KEY 至少需要 {MIN_KEY_LENGTH} 个字符。 / "
                    f"SHEBAO_DOCUMENT_KEY must be at least {MIN_KEY_LENGTH} characters."
                )
            if key == secret_key:
                raise ImproperlyConfigured(
                    "SHEBAO_DOCUMENT_KEY 不能与 SHEBAO_SECRET_KEY 相同。 / "
                    "SHEBAO_DOCUMENT_KEY must not be the same as SHEBAO_SECRET_KEY."
                )
        return tuple(key.encode("utf-8") for key in [configured, *fallbacks])
    if env in _DEMO_ENVS:
        return (hmac.new(secret_key.encode("utf-8"), _DERIVATION, hashlib.sha256).digest(),)
    raise ImproperlyConfigured(
        "生产环境须设置文书签名密钥 SHEBAO_DOCUMENT_KEY。 / "
        "Refusing to sign documents in production without SHEBAO_DOCUMENT_KEY."
    )


def signing_key_check() -> None:
    """Raise ImproperlyConfigured unless documents can be signed here (called at start-up, so
    production refuses to start without SHEBAO_DOCUMENT_KEY rather than fail at the first
    statement)."""
    _keys()


def _mac(key: bytes, kind: str, ref: str, canonical: str) -> str:
    message = f"{_DOMAIN}\n{kind}\n{ref}\n{canonical}".encode()
    return hmac.digest(key, message, "sha256").hex()  # hmac.new(…).hexdigest(), in one C call


def signature_code(signature: str) -> str:
    """The code printed for a signature: ``ABCD-EFGH-JKLM-NPQR`` from its SHA-256 digest."""
    digest = hashlib.sha256(f"{_DOMAIN}.code\n{signature}".encode("ascii")).digest()
    # the first 80 bits, five at a time from the most significant: base32's grouping, its
    # symbols then mapped onto the code alphabet's
    raw = base64.b32encode(digest[:_CODE_BYTES]).decode("ascii").translate(BASE32_TO_CODE)
    return _group(raw)


_CODE_BYTES = CODE_LENGTH * 5 // 8
if _CODE_BYTES * 8 != CODE_LENGTH * 5:  # pragma: no cover - the code is whole bytes of the digest
    raise ImportError("CODE_LENGTH must be a multiple of 8 symbols")


@dataclass(frozen=True)
class Signed:
    """A signed document: what to print (``code``, ``url``) and what to store (``signature``,
    ``canonical``, the exact text signed)."""

    kind: str
    ref: str
    code: str
    signature: str
    canonical: str

    @property
    def path(self) -> str:
        return verification_path(kind=self.kind, ref=self.ref, code=self.code)

    @property
    def url(self) -> str:
        """The verification address under ``settings.PUBLIC_URL`` (the QR code's data)."""
        return verification_url(kind=self.kind, ref=self.ref, code=self.code)


def document_sign(*, kind: str, ref: str, content: Mapping[str, Any]) -> Signed:
    """Sign document ``kind``/``ref`` over its canonical content with the current key.

    Raises InvalidInput for a malformed kind or ref (they go into a URL), TypeError/ValueError
    for content that has no canonical spelling (floats, naive times, other objects).
    """
    _check_subject(kind, ref)
    return _signed(kind, ref, canonical_json(content))


def document_sign_canonical(*, kind: str, ref: str, canonical: str) -> Signed:
    """:func:`document_sign` for an issuer that wrote its content's canonical text itself, with
    a writer held byte for byte to :func:`canonical_json` (``statements.record.content_canonical``
    for the annual statements): the text is signed as given, not walked and encoded again.
    Only for text the issuer built from the content it stores; stored or foreign content is
    checked in full (:func:`document_sign`, :func:`document_verify_content`)."""
    _check_subject(kind, ref)
    if type(canonical) is not str:
        raise TypeError(f"a canonical text is a str, not {type(canonical).__name__}")
    return _signed(kind, ref, canonical)


def _signed(kind: str, ref: str, canonical: str) -> Signed:
    signature = _mac(_keys()[0], kind, ref, canonical)
    return Signed(kind=kind, ref=ref, code=signature_code(signature), signature=signature, canonical=canonical)


def document_verify_content(*, kind: str, ref: str, content: Mapping[str, Any] | str, signature: str) -> bool:
    """True when ``signature`` was made here (under the key or a fallback) over exactly this
    content of kind/ref. ``content`` is the mapping or its canonical text. Never raises for
    outside input: anything malformed is simply not genuine."""
    if not isinstance(signature, str) or len(signature) != 64:
        return False
    try:
        _check_subject(kind, ref)
        canonical = content if isinstance(content, str) else canonical_json(content)
    except (InvalidInput, ValueError, TypeError):
        return False
    matched = False
    for key in _keys():  # every key, so timing does not tell which one matched
        matched |= hmac.compare_digest(signature.encode("ascii", "replace"), _mac(key, kind, ref, canonical).encode())
    return matched
