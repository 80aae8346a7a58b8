"""``shebao pdf_sample out.pdf``: a sample of every element the documents module draws.

For a person to look at after changing the font, the page furniture or a primitive: a
statement-like A4 (key-values, wrapped paragraph, a table over pages, QR and verification)
or, with ``--poster``, an A3 flowchart poster. Contains made-up data only.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from shebao.core.documents import HEADER_FILL, Document, Pen, mm

NOTICE = (
    "根据《中华人民共和国社会保险法》第七十四条，社会保险经办机构应当及时、完整、准确地记录参加社会保险的"
    "个人缴费和用人单位为其缴费，以及享受社会保险待遇等个人权益记录，定期将个人权益记录单免费寄送本人。"
    "本记录单仅供参考，如有疑问请拨打12333或到参保地社会保险经办机构查询。"
)


def sample_statement() -> Document:
    doc = Document(title="社会保险个人权益记录单（样张）")
    doc.heading("社会保险个人权益记录单（2024年度）")
    doc.key_values(
        {"姓名": "张三", "社会保障号码": "4201**********1234", "参保地": "武汉市江岸区", "参保状态": "正常参保"}
    )
    doc.heading("一、说明", level=2).paragraph(NOTICE)
    doc.heading("二、缴费明细", level=2)
    months = [
        (f"{year}-{m:02d}", "4,077.00", "652.32", "326.16", "已到账") for year in (2023, 2024) for m in range(1, 13)
    ]
    doc.table(
        header=["费款所属期", "缴费基数（元）", "单位缴纳（元）", "个人缴纳（元）", "状态"],
        rows=months * 2,
        widths=[2, 2, 2, 2, 1],
        align=["left", "right", "right", "right", "center"],
    )
    doc.verification(kind="sample", ref="SAMPLE-0001")
    return doc


def _flowchart(pen: Pen) -> None:
    w, h = 90 * mm, 22 * mm
    x = (pen.width - w) / 2
    top = pen.height - 10 * mm
    accept = pen.box(x, top - h, w, h, "窗口受理：核验身份证件，查验材料", size=16, radius=8)
    check = pen.diamond(x, top - 3.4 * h, w, 1.6 * h, "材料是否齐全？", size=16)
    fix = pen.box(
        x + w + 20 * mm, top - 3.1 * h, w * 0.8, h, "一次性告知补正材料（暂停计时）", size=14, fill=HEADER_FILL
    )
    done = pen.box(x, top - 5 * h, w, h, "办结：即时办结，出具受理回执", size=16, radius=8)
    pen.arrow(accept.bottom, check.top)
    pen.arrow(check.right, fix.left, label="否")
    pen.arrow(check.bottom, done.top, label="是")


def sample_poster() -> Document:
    doc = Document(title="城乡居民基本养老保险参保登记 办事流程图（样张）", pagesize="A3", margin_mm=20)
    doc.heading("城乡居民基本养老保险参保登记 办事流程图")
    doc.paragraph("办理时限：即时办结　　办理地点：各区社会保险经办机构、社区服务窗口", size=14, align="center")
    doc.drawing(_flowchart)
    return doc


class Command(BaseCommand):
    help = "生成示例 PDF / Write a sample PDF that shows every documents element"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--poster", action="store_true", help="an A3 flowchart poster instead")

    def handle(self, *args: object, **options: object) -> None:
        out = options["out"]
        assert isinstance(out, Path)
        doc = sample_poster() if options["poster"] else sample_statement()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(doc.render())
        self.stdout.write(f"已生成 {out} / wrote {out}")
