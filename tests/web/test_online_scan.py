"""The virus-scan adapter every upload passes (core.scan): the demo engine flags the EICAR test
string anywhere in the file's first megabyte, an engine that cannot answer refuses the upload
(never kept unscanned), and the engine is chosen by a setting."""

from __future__ import annotations

import pytest

from shebao.core import scan
from shebao.core.errors import InvalidInput, ShebaoError
from shebao.core.scan import EICAR, ScanResult, ScanUnavailable, SignatureScanner, upload_scan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_clean_file_passes_with_the_engines_reference():
    result = upload_scan(content=PDF, name="身份证.pdf")
    assert result.clean and result.engine_ref.startswith("sig:")


@pytest.mark.parametrize("where", [0, 9, 500_000])
def test_the_eicar_string_is_found_anywhere_in_the_first_megabyte(where):
    content = PDF[:9] + b" " * where + EICAR + PDF[9:]
    result = SignatureScanner().scan(content=content, name="x.pdf")
    assert (result.clean, result.signature) == (False, "EICAR-Test-File")
    with pytest.raises(InvalidInput) as caught:
        upload_scan(content=content, name="x.pdf")
    assert caught.value.field == "file" and "病毒" in caught.value.message_zh


class DownEngine:
    def scan(self, *, content: bytes, name: str) -> ScanResult:
        raise ScanUnavailable("clamd: connection refused")


def test_an_engine_that_cannot_answer_refuses_the_upload_with_a_retry_message(settings):
    settings.SHEBAO_SCAN_ADAPTER = f"{__name__}.DownEngine"
    with pytest.raises(ShebaoError) as caught:
        upload_scan(content=PDF, name="x.pdf")
    assert caught.value.status == 503 and "稍后" in caught.value.message_zh


def test_the_engine_is_the_one_the_setting_names(settings):
    settings.SHEBAO_SCAN_ADAPTER = f"{__name__}.DownEngine"
    assert isinstance(scan.scanner(), DownEngine)
    del settings.SHEBAO_SCAN_ADAPTER
    assert isinstance(scan.scanner(), SignatureScanner)
