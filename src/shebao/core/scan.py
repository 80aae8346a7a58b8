"""The virus scan every uploaded file passes before it is kept (病毒查杀).

A file a person uploads (a scan of an ID card, a photo of a certificate) is handed to the
scanner adapter named by ``settings.SHEBAO_SCAN_ADAPTER`` before anything is stored. The
contract, as a real engine behind it (ClamAV's clamd ``INSTREAM``, a vendor's HTTP scanner)
would keep it:

- :meth:`Scanner.scan` takes the bytes and the name shown, returns a :class:`ScanResult`:
  ``clean`` or ``infected`` with the signature's name, and the engine's own reference.
- An engine that cannot answer now (down, timed out) raises :class:`ScanUnavailable`: the
  upload is refused with "try again later" (a 503), never kept unscanned.

:func:`upload_scan` is what callers use: it raises the domain errors a page or the API shows.
The demo and the tests use :class:`SignatureScanner`, which flags the EICAR anti-virus test
file (the industry's harmless test string) wherever it appears in the first megabyte, as a real
engine does, so the refusal can be tried end to end without malware.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from shebao.core.errors import InvalidInput, ShebaoError

log = logging.getLogger("shebao.scan")

DEFAULT_ADAPTER = "shebao.core.scan.SignatureScanner"
# The EICAR test file (68 bytes, all printable): every anti-virus engine reports it as
# "EICAR-Test-File" without it being harmful. Kept in two halves so this module itself is
# not flagged by a scanner on the server.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SCAN_WINDOW = 1024 * 1024  # how far the signature scanner looks into a file


class ScanUnavailable(Exception):
    """The engine could not scan the file now (down, timed out): refuse, do not keep it."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the engine's name for what it found ("EICAR-Test-File")
    engine_ref: str = ""  # the engine's reference for this scan (its log line)


class Scanner(Protocol):
    def scan(self, *, content: bytes, name: str) -> ScanResult:
        """Scan ``content`` (``name`` is what the uploader called it, for the engine's log)."""


class SignatureScanner:
    """The demo and test engine: flags the EICAR test string; everything else is clean."""

    signatures: tuple[tuple[bytes, str], ...] = ((EICAR, "EICAR-Test-File"),)

    def scan(self, *, content: bytes, name: str) -> ScanResult:
        ref = f"sig:{hashlib.sha256(content).hexdigest()[:16]}"
        window = content[:SCAN_WINDOW]
        for pattern, found in self.signatures:
            if pattern in window:
                return ScanResult(clean=False, signature=found, engine_ref=ref)
        return ScanResult(clean=True, engine_ref=ref)


class ServiceUnavailable(ShebaoError):
    """The scanner cannot answer now: a 503 the person can retry."""

    status = 503
    code = "scan_unavailable"


def scanner() -> Scanner:
    adapter: Scanner = import_string(getattr(settings, "SHEBAO_SCAN_ADAPTER", DEFAULT_ADAPTER))()
    return adapter


def upload_scan(*, content: bytes, name: str) -> ScanResult:
    """Scan one upload before it is stored. Infected: ``InvalidInput`` on the file field (the
    file is not kept anywhere); the engine down: ``ServiceUnavailable``. Returns the clean
    result (its ``engine_ref`` may be recorded with the upload's audit event)."""
    try:
        result = scanner().scan(content=content, name=name)
    except ScanUnavailable as error:
        log.warning("virus scan unavailable: %s", error)
        raise ServiceUnavailable(
            "文件安全检查暂时无法进行，请稍后再上传", "The virus scan is unavailable: upload again later", field="file"
        ) from error
    if not result.clean:
        log.warning("upload refused by the virus scan: %s (%s)", result.signature, result.engine_ref)
        raise InvalidInput(
            "文件未通过病毒检查，未予保存。请检查后重新上传",
            "The file failed the virus scan and was not kept; check it and upload again",
            field="file",
        )
    return result
