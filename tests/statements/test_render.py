"""The statement PDF writer: a valid one-page A4 PDF that poppler draws with its Chinese text,
its tables and a QR code that decodes to the verification URL; pypdf extracts the text; every
font embedded; a book of many statements shares one file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pypdf
import pytest
import zxingcpp
from PIL import Image

from shebao.statements.record import AccountBlock, InsuranceBlock, MonthCell, PersonBlock, StatementRecord
from shebao.statements.render import StatementBook, statement_pdf
from shebao.statements.render.truetype import face_load

URL = "https://si.wuhan.example/verify/statement/ST2026-00012345/ABCD-EFGH-JKLM-NPQR"
CODE = "ABCD-EFGH-JKLM-NPQR"
PRINTED = dt.datetime(2026, 12, 6, 18, 30, tzinfo=dt.UTC)  # 2026-12-07 02:30 in Beijing


MEDICAL = AccountBlock(
    opening_balance=Decimal("2345.67"),
    principal=Decimal("1572.00"),
    interest=Decimal("0.00"),
    rate=None,  # the medical account earns no interest
    months=98,
    paid_out=Decimal("812.40"),
    closing_balance=Decimal("3105.27"),
)


def make_record(
    *, name: str = "欧阳晓燕", employer: str = "武汉长江数字科技有限公司", notes=(), medical=None
) -> StatementRecord:
    months = tuple(
        MonthCell(
            month=m,
            base=Decimal("6543.21") if m <= 9 else None,
            flag="paid" if m <= 7 else ("arrears" if m <= 9 else "none"),
        )
        for m in range(1, 13)
    )
    transferred = tuple(
        MonthCell(month=m, base=Decimal("4000.00"), flag="transferred_in" if m <= 3 else "paid") for m in range(1, 13)
    )
    blocks = (
        InsuranceBlock("pension", "养老保险", dt.date(2015, 3, 1), "正常缴费", months),
        InsuranceBlock("medical", "医疗保险", dt.date(2015, 3, 1), "正常缴费", transferred),
        InsuranceBlock(
            "unemployment", "失业保险", None, "未参保", tuple(MonthCell(m, None, "none") for m in range(1, 13))
        ),
    )
    pension = AccountBlock(
        opening_balance=Decimal("45678.90"),
        principal=Decimal("6234.56"),
        interest=Decimal("1234.50"),
        rate=Decimal("0.02620"),
        months=132,
        paid_out=Decimal("0.00"),
        closing_balance=Decimal("53147.96"),
    )
    return StatementRecord(
        person=PersonBlock(
            name=name,
            id_number_masked="4201**********123X",
            sex="女",
            employer=employer,
            address="武汉市江岸区解放大道1234号华中大厦18栋2单元1801室",
            postcode="430010",
            work_start=dt.date(2009, 7, 1),
        ),
        year=2026,
        insurances=blocks,
        pension_account=pension,
        medical_account=medical,
        notes=tuple(notes),
        as_of=dt.date(2026, 11, 30),
    )


def page_image(pdf: bytes, *, dpi: int = 150) -> Image.Image:
    """The first page as poppler draws it (pdftoppm), in grey."""
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is required"
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-gray", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def dark_share(image: Image.Image, box: tuple[float, float, float, float]) -> float:
    """Share of dark pixels in ``box`` (fractions of the page: left, top, right, bottom)."""
    w, h = image.size
    crop = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    histogram = crop.histogram()
    return sum(histogram[:128]) / sum(histogram)


def test_statement_renders_as_one_a4_page_with_chinese_tables_and_qr():
    # given a record
    record = make_record(notes=("2026年3月起缴费单位变更为武汉长江数字科技有限公司。",))
    # when it is written
    pdf = statement_pdf(record=record, code=CODE, verify_url=URL, printed_at=PRINTED)
    # then it is one A4 page
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # poppler draws it: the title band, the month grid and the QR corner are inked, the margin is not
    image = page_image(pdf)
    assert dark_share(image, (0.3, 0.03, 0.7, 0.07)) > 0.05  # the title
    assert dark_share(image, (0.07, 0.25, 0.93, 0.40)) > 0.02  # the month grid's rules and values
    assert dark_share(image, (0.83, 0.05, 0.94, 0.12)) > 0.3  # the QR code
    assert dark_share(image, (0.0, 0.96, 1.0, 1.0)) == 0  # the bottom margin is blank


def test_pypdf_extracts_the_chinese_labels_and_every_figure():
    record = make_record(notes=("8月、9月养老保险欠缴，补缴后将记入个人账户。",), medical=MEDICAL)
    text = (
        pypdf.PdfReader(io.BytesIO(statement_pdf(record=record, code=CODE, verify_url=URL, printed_at=PRINTED)))
        .pages[0]
        .extract_text()
    )
    for label in (
        "社会保险个人权益记录单",
        "基本信息",
        "缴费情况",
        "缴费基数",
        "截止上年末",
        "累计储存额",
        "数据统计截止至",
        "打印时间",
        "单位：元",
    ):
        assert label in text, label
    for value in (
        "2026年",
        "欧阳晓燕",
        "4201**********123X",
        "武汉长江数字科技有限公司",
        "武汉市江岸区解放大道1234号华中大厦18栋2单元1801室",
        "430010",
        "2009-07-01",
        "6543.21",
        "4000.00",
        "45678.90",
        "6234.56",
        "1234.50",
        "2.62%",
        "132",
        "53147.96",
        "2345.67",  # the medical account's year
        "1572.00",
        "不计息",
        "98",
        "812.40",
        "3105.27",
        "未参保",
        "ST2026-00012345",
        CODE,
        "https://si.wuhan.example/verify/",
        "4. 8月、9月养老保险欠缴，补缴后将记入个人账户。",
        "2026-11-30",
        "2026-12-07 02:30",  # printed at, in Beijing time
    ):
        assert value in text, value
    # the flags of the month grid: seven paid, two in arrears, three none; three transferred in
    assert text.count("●") >= 7 + 9 + 1  # the legend has one too
    assert text.count("△") == 2 + 1
    assert text.count("○") == 3 + 1


def test_without_a_medical_block_the_page_says_none_or_for_a_stored_statement_not_listed():
    def text(record: StatementRecord) -> str:
        pdf = statement_pdf(record=record, code=CODE, verify_url=URL, printed_at=PRINTED)
        return "".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())

    # a record of today without the block: the person has no medical insurance at all
    now = text(make_record())
    assert "无" in now and "本单不列示" not in now and "不计息" not in now
    # a statement stored before the platform kept the account: its note says the bureau keeps it,
    # the block says so, and the rest of the note (maternity) is printed once
    old = text(make_record(notes=("职工医疗保险个人账户由医疗保障部门记载，本单不列示；生育保险已并入职工医疗保险。",)))
    assert old.count("医保个人账户由医疗保障部门记载，本单不列示") == 1
    assert old.count("生育保险已并入职工医疗保险") == 1


def test_qr_code_decodes_to_the_verification_url():
    pdf = statement_pdf(record=make_record(), code=CODE, verify_url=URL, printed_at=PRINTED)
    found = zxingcpp.read_barcodes(page_image(pdf, dpi=200))
    assert [(b.format, b.text) for b in found] == [(zxingcpp.BarcodeFormat.QRCode, URL)]


def test_every_font_is_embedded_truetype_with_a_unicode_map():
    reader = pypdf.PdfReader(io.BytesIO(statement_pdf(record=make_record(), code=CODE, verify_url=URL)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert set(fonts) == {"/F1", "/F2"}
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
        assert "/ToUnicode" in font
        cid = font["/DescendantFonts"][0].get_object()
        assert cid["/Subtype"] == "/CIDFontType2"
        assert "/FontFile2" in cid["/FontDescriptor"]  # embedded TrueType outlines, never a bare CID font
    static = reader.pages[0]["/Resources"]["/XObject"]["/S"].get_object()
    assert static["/Resources"]["/Font"]["/F1"].get_object() == fonts["/F1"].get_object()


def test_text_that_looks_like_pdf_syntax_prints_as_written():
    # a name with brackets and backslashes cannot break out of the content stream
    record = make_record(name="李(四)\\ <b>", employer="A) Tj ET BT (x")
    text = pypdf.PdfReader(io.BytesIO(statement_pdf(record=record, code=CODE, verify_url=URL))).pages[0].extract_text()
    assert "李(四)\\ <b>" in text
    assert "A) Tj ET BT (x" in text


def test_a_book_holds_many_statements_with_the_shared_parts_once():
    # given three people
    names = ("张三", "李四", "王五")
    book = StatementBook(printed_at=PRINTED)
    for i, name in enumerate(names):
        assert book.add(record=make_record(name=name), code=CODE, verify_url=f"{URL}{i}") == i + 1
    pdf = book.finish()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # then each page carries its own person, all pages share one static page and one font pair
    assert [page.extract_text().count(name) for page, name in zip(reader.pages, names, strict=True)] == [1, 1, 1]
    assert len({page["/Resources"]["/XObject"].raw_get("/S").idnum for page in reader.pages}) == 1
    assert len({page["/Resources"]["/Font"].raw_get("/F2").idnum for page in reader.pages}) == 1
    # and a page of a book costs a fraction of a lone statement (the fixed font is written once)
    single = len(statement_pdf(record=make_record(), code=CODE, verify_url=URL))
    assert len(pdf) < single + 2 * 8000


def test_a_record_with_more_insurances_than_rows_is_refused_not_cut():
    record = make_record()
    six = record.insurances * 2
    with pytest.raises(ValueError, match="room for 5"):
        statement_pdf(
            record=StatementRecord(
                person=record.person,
                year=record.year,
                insurances=six,
                pension_account=record.pension_account,
                medical_account=None,
                notes=(),
                as_of=record.as_of,
            ),
            code=CODE,
            verify_url=URL,
        )


def test_subset_font_keeps_composite_glyphs_whole():
    # WenQuanYi Micro Hei draws most CJK glyphs as composites: their components come along
    face = face_load(str(__import__("shebao.core.documents", fromlist=["FONT_PATH"]).FONT_PATH))
    asked = [face.glyph_of(ch) for ch in "缴费基数"]
    subset = face.subset(asked)
    assert subset.glyphs[: len(asked) + 1] == (0, *asked)
    assert len(subset.glyphs) > len(asked) + 1  # components appended
    assert subset.data[:4] == b"\x00\x01\x00\x00"


def test_wrapping_a_note_again_gives_the_same_lines_and_the_same_growing_font():
    from shebao.statements.render import _static
    from shebao.statements.render.layout import Ops
    from shebao.statements.render.pdf import GrowingFont, text_segments

    static = _static()
    # 鄂渝黔滇: characters the fixed font lacks
    note = "本年有 3 个缴费单位，单位名称栏为养老保险年末（或最后）缴费单位。鄂渝黔滇" * 3
    # given a page's operators over a growing font
    growing = GrowingFont(static.face)
    ops = Ops(static.fixed, growing)
    # when a note is wrapped twice (the second time from the book's cache)
    first = ops.wrap(note, 400.0, 7.0)
    chars = list(growing.chars)
    first.append("changed by the caller")  # the cache hands out copies
    second = ops.wrap(note, 400.0, 7.0)
    # then the lines are the same and no character was added twice
    assert second == first[:-1] and growing.chars == chars and len(second) >= 2
    # and they are what breaking by text_segments' widths gives (never wider than the width,
    # a line not starting with closing punctuation)
    for line in second:
        assert text_segments(line, static.fixed, growing)[1] * 7.0 / 1000 <= 400.0 or len(line) == 1
    assert "".join(second) == note and not any(line[0] in "，。、；：）》”" for line in second[1:])
    # and a fresh font wraps it the same way, adding the new characters in the same order
    again = GrowingFont(static.face)
    assert Ops(static.fixed, again).wrap(note, 400.0, 7.0) == second and again.chars == chars


def test_a_rare_name_prints_in_the_fallback_fonts_on_every_page_of_a_book():
    # given a book of three statements: a plain name, 刘䶮 (Ext A), then 𠮷野 (Ext B) and 李𬌗 (Ext E)
    from shebao.statements.render import StatementBook

    book = StatementBook()
    url = "https://si.example.gov.cn/verify/statement/2026-{}/ABCD-EFGH-JKLM-NPQR"
    for n, name in enumerate(("张三", "刘䶮", "𠮷野花子", "李𬌗"), start=1):
        book.add(
            record=make_record(name=name, employer=f"{name}的单位"),
            code="ABCD-EFGH-JKLM-NPQR",
            verify_url=url.format(n),
        )
    pdf = book.finish()

    # then every name reads back from its page, and the fallbacks are embedded subsets
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text() for page in reader.pages]
    for text, name in zip(texts, ("张三", "刘䶮", "𠮷野花子", "李𬌗"), strict=True):
        assert name in text
        assert f"{name}的单位" in text
    bases = {
        str(font.get_object()["/BaseFont"]).split("+")[1]
        for page in reader.pages[1:]
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"ShebaoRareHanA", "ShebaoRareHanB"} <= bases
    assert all("/F3" not in page["/Resources"]["/Font"] for page in reader.pages[:1])
