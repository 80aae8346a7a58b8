"""Verification codes: the 验证码 printed on every document and the addresses that check it.

A code is HMAC-SHA256 keyed from ``SECRET_KEY`` over (kind, ref): it proves the document was
issued here without a table lookup; ``SECRET_KEY_FALLBACKS`` keep old paper valid across a key
rotation. The addresses printed (the QR's link, the 文件核验 menu) are under
``settings.PUBLIC_URL``, the agency's public address.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

from shebao.core.errors import InvalidInput

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols without 0/O and 1/I
CODE_LENGTH = 16  # 80 bits, shown as four groups of four
_CODE_SALT = "shebao.core.documents.document_code"
# base32's 32 symbols onto the code alphabet's, in order: five bits a symbol either way
BASE32_TO_CODE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CODE_ALPHABET)
_KIND_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# A ref appears in a URL and on paper: a document serial, never a resident ID number.
_REF_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _check_subject(kind: str, ref: str) -> None:
    if not isinstance(kind, str) or not _KIND_RE.fullmatch(kind):
        raise InvalidInput(
            f"文件类别不正确：{kind!r}",
            f"Document kind must be lower-case letters, digits, '-' or '_': {kind!r}",
            field="kind",
        )
    if not isinstance(ref, str) or not _REF_RE.fullmatch(ref):
        raise InvalidInput(
            f"文件编号不正确：{ref!r}",
            f"Document reference must be 1-64 letters, digits, '.', '-' or '_': {ref!r}",
            field="ref",
        )


def _raw_code(kind: str, ref: str, secret: str | bytes) -> str:
    mac = salted_hmac(_CODE_SALT, f"{kind}\n{ref}", secret=secret, algorithm="sha256").digest()
    bits = int.from_bytes(mac[:10], "big")  # the first 80 bits: 16 symbols of 5 bits
    return "".join(CODE_ALPHABET[(bits >> (5 * (CODE_LENGTH - 1 - i))) & 31] for i in range(CODE_LENGTH))


def random_symbols(count: int) -> str:
    """``count`` symbols of the code alphabet, five bits each from the system's CSPRNG (one
    read of it, not one a symbol): a document serial that cannot be guessed or counted."""
    raw = base64.b32encode(secrets.token_bytes((5 * count + 7) // 8)).decode("ascii")
    return raw[:count].translate(BASE32_TO_CODE)


def _group(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def document_code(*, kind: str, ref: str) -> str:
    """The verification code (验证码) printed on document ``kind``/``ref``: ``ABCD-EFGH-JKLM-NPQR``.

    HMAC-SHA256 keyed from ``settings.SECRET_KEY`` (Django's ``salted_hmac``, salted for this
    purpose) over kind and ref, first 80 bits in a 32-symbol alphabet without 0/O/1/I.
    """
    _check_subject(kind, ref)
    return _group(_raw_code(kind, ref, settings.SECRET_KEY))


def document_verify(*, kind: str, ref: str, code: str) -> bool:
    """True when ``code`` is the one issued for kind/ref (under the key or a fallback key).

    Accepts the code as typed by a person (case, spaces and hyphens ignored). Anything malformed
    is simply not valid: this reads outside input and never raises for it.
    """
    if not isinstance(code, str):
        return False
    try:
        _check_subject(kind, ref)
    except InvalidInput:
        return False
    given = re.sub(r"[\s-]", "", code).upper()
    if len(given) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in given):
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    matched = False
    for secret in secrets:  # compare against every key, so timing does not tell which one
        matched |= hmac.compare_digest(given.encode(), _raw_code(kind, ref, secret).encode())
    return matched


def verification_path(*, kind: str, ref: str, code: str | None = None) -> str:
    """``/verify/<kind>/<ref>/<code>``: the page that confirms a printed document is genuine."""
    code = code or document_code(kind=kind, ref=ref)
    return f"/verify/{kind}/{ref}/{code}"


def _public_base() -> str:
    # The agency's public address (SHEBAO_PUBLIC_URL; production refuses to start without it).
    return str(getattr(settings, "PUBLIC_URL", "") or "").rstrip("/")


def verification_url(*, kind: str, ref: str, code: str | None = None) -> str:
    """The path under ``settings.PUBLIC_URL`` (what a phone scanning the QR opens)."""
    return _public_base() + verification_path(kind=kind, ref=ref, code=code)


def verification_menu_url() -> str:
    """文件核验, the page where a person types a document's number and code: printed on paper."""
    return _public_base() + "/verify/"
