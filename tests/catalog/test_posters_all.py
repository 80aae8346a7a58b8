"""Every real catalogue item has a flowchart poster whose PDF carries the item's Chinese name."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from shebao.catalog import posters
from shebao.catalog.models import ServiceItem
from shebao.catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


def test_every_item_has_a_poster_with_its_chinese_name_and_steps():
    catalog_sync()
    items = list(
        ServiceItem.objects.exclude(code__startswith="T-")
        .prefetch_related("phases__steps", "materials")
        .order_by("code")
    )
    assert len(items) >= 52
    for item in items:
        svg = posters.item_svg(item)
        for phase in item.phases.all():
            assert phase.name in svg, (item.code, phase.name)
        pdf = posters.item_poster_pdf(item)
        text = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").replace(" ", "").replace("\n", "")
        assert item.name.replace(" ", "") in text, item.code
        assert b"/FontFile2" in pdf
