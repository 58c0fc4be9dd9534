"""The shared 公文 machinery, read back with python-docx: page, margins, grid, fonts and
sizes per level, page numbers, attachments, 版记, images, reproducible bytes."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Length, Mm

from apps.documents.gbt9704 import (
    OfficialDocument,
    Run,
    chinese_date,
    chinese_number,
    document_number,
)
from apps.documents.readback import find_paragraph, open_docx, runs_of

DAY = datetime.date(2026, 12, 1)


def sample() -> bytes:
    doc = OfficialDocument(
        title="关于全市重大项目推进情况的通报",
        issuer="示范市发展和改革委员会",
        number=document_number("示范市发改通", 2026, 3),
        addressee="各县（市、区）发改局",
        created=DAY,
    )
    doc.numbered_heading("总体情况", 1)
    doc.numbered_heading("新开工项目", 2)
    doc.numbered_heading("产业项目", 3)
    doc.numbered_heading("园区", 4)
    doc.paragraph([Run("完成投资"), Run("60.00", "figure"), Run("亿元。")])
    doc.numbered_heading("存在问题", 1)
    doc.numbered_heading("滞后项目", 2)
    doc.attachment_notes(["分县区完成情况表"])
    doc.signature("示范市发展和改革委员会", DAY)
    doc.attachment(
        "分县区完成情况表",
        ["序号", "县区", "完成投资"],
        [[1, "甲区", Decimal("1.50")], ["", "合计", Decimal("1.50")]],
        total_row=True,
    )
    doc.colophon(copy_to=["市政府办公室", "市统计局"], printer="示范市发展和改革委员会办公室", printed_on=DAY)
    return doc.to_bytes()


@pytest.fixture(scope="module")
def docx_bytes():
    return sample()


def test_a4_with_the_standard_margins_and_grid(docx_bytes):
    document = open_docx(docx_bytes)
    body = document.sections[0]
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert body.orientation == WD_ORIENT.PORTRAIT
    # 天头 37, 订口 28; text block 156 × 225 gives bottom 35 and right 26.
    assert [round(m.mm) for m in (body.top_margin, body.left_margin, body.bottom_margin, body.right_margin)] == [
        37,
        28,
        35,
        26,
    ]
    assert round(Length(body.page_width - body.left_margin - body.right_margin).mm) == 156
    assert round(Length(body.page_height - body.top_margin - body.bottom_margin).mm) == 225
    grid = body._sectPr.find(qn("w:docGrid"))
    # 22 lines: 225 mm ÷ 22 = 10.227 mm = 28.99 pt → 580 twentieths.
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert int(grid.get(qn("w:linePitch"))) == 580
    # 28 characters: 156 mm ÷ 28 = 5.5714 mm = 15.7930 pt, 0.2070 pt less than 3号; × 4096 = −847.8.
    assert int(grid.get(qn("w:charSpace"))) == -848
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_title_and_heading_fonts_by_level(docx_bytes):
    document = open_docx(docx_bytes)
    title = runs_of(document, find_paragraph(document, "关于全市重大项目"))[0]
    assert (title.east_asian_font, title.size_pt) == ("方正小标宋简体", 22)
    expected = {
        "一、总体情况": ("黑体", 16, False),
        "（一）新开工项目": ("楷体_GB2312", 16, False),
        "1.产业项目": ("仿宋_GB2312", 16, True),
        "（1）园区": ("仿宋_GB2312", 16, False),
    }
    for text, (font, size, bold) in expected.items():
        run = runs_of(document, find_paragraph(document, text))[0]
        assert (run.east_asian_font, run.size_pt, run.bold) == (font, size, bold), text
    body = find_paragraph(document, "完成投资")
    runs = runs_of(document, body)
    assert [(r.text, r.east_asian_font, r.size_pt, r.bold) for r in runs] == [
        ("完成投资", "仿宋_GB2312", 16, False),
        ("60.00", "仿宋_GB2312", 16, True),
        ("亿元。", "仿宋_GB2312", 16, False),
    ]
    assert runs[1].latin_font == "Times New Roman"
    assert round(body.paragraph_format.first_line_indent.pt) == 32  # two characters


def test_numbering_restarts_lower_levels_and_never_repeats(docx_bytes):
    document = open_docx(docx_bytes)
    headings = [p.text for p in document.paragraphs if p.text[:1] in "一二三（1" and len(p.text) < 12]
    assert "二、存在问题" in headings and "（一）滞后项目" in headings
    assert headings.count("一、总体情况") == 1


def test_page_numbers_with_dashes_odd_right_even_left(docx_bytes):
    document = open_docx(docx_bytes)
    assert document.settings.odd_and_even_pages_header_footer is True
    section = document.sections[0]
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):  # RIGHT, LEFT
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == alignment
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        run = runs_of(document, paragraph)[0]
        assert (run.east_asian_font, run.latin_font, run.size_pt) == ("宋体", "宋体", 14)


def test_letterhead_number_addressee_signature(docx_bytes):
    document = open_docx(docx_bytes)
    texts = [p.text for p in document.paragraphs]
    assert "示范市发改通〔2026〕3号" in texts
    assert "各县（市、区）发改局：" in texts
    assert "附件：分县区完成情况表" in [t.strip("　") for t in texts]
    assert texts.count("2026年12月1日") == 1
    mark = runs_of(document, find_paragraph(document, "示范市发展和改革委员会"))[0]
    assert mark.east_asian_font == "方正小标宋简体"


def test_attachment_table_on_its_own_page_and_colophon(docx_bytes):
    document = open_docx(docx_bytes)
    assert len(document.sections) == 3  # body, attachment, 版记
    texts = [p.text for p in document.paragraphs]
    assert "附件" in texts
    label = runs_of(document, next(p for p in document.paragraphs if p.text == "附件"))[0]
    assert label.east_asian_font == "黑体" and label.size_pt == 16
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "县区", "完成投资"]
    assert [c.text for c in table.rows[1].cells] == ["1", "甲区", "1.50"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    cell = runs_of(document, table.rows[1].cells[1].paragraphs[0])[0]
    assert (cell.east_asian_font, cell.latin_font, cell.size_pt, cell.bold) == (
        "仿宋_GB2312",
        "Times New Roman",
        12,
        False,
    )
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # a number: right
    assert runs_of(document, table.rows[2].cells[1].paragraphs[0])[0].bold is True  # 合计
    cc = find_paragraph(document, "抄送：")
    assert cc.text == "抄送：市政府办公室，市统计局。"
    assert runs_of(document, cc)[0].size_pt == 14
    printed = find_paragraph(document, "示范市发展和改革委员会办公室")
    assert printed.text.endswith("2026年12月1日印发")
    assert "w:pBdr" in cc._p.xml and "w:pBdr" in printed._p.xml


def test_wide_tables_go_landscape():
    doc = OfficialDocument(title="表")
    doc.attachment("宽表", [f"列{i}" for i in range(10)], [list(range(10))])
    document = open_docx(doc.to_bytes())
    wide = document.sections[1]
    assert wide.orientation == WD_ORIENT.LANDSCAPE
    assert (round(wide.page_width.mm), round(wide.page_height.mm)) == (297, 210)


def test_images_as_wide_as_the_text_block():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    png = buffer.getvalue()
    doc = OfficialDocument(title="图")
    doc.image(png, caption="图1")
    document = open_docx(doc.to_bytes())
    shape = document.inline_shapes[0]
    assert abs(shape.width - Mm(156)) < Mm(0.1)


def test_same_content_same_bytes():
    first, second = sample(), sample()
    assert first == second
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zipfile.ZipFile(io.BytesIO(first)).infolist())


def test_words():
    assert chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert [chinese_number(n) for n in (1, 4, 10, 12, 20, 21)] == ["一", "四", "十", "十二", "二十", "二十一"]
    assert document_number("示范市发改通", 2026, 12) == "示范市发改通〔2026〕12号"


def _frame(paragraph):
    p_pr = paragraph._p.pPr
    return None if p_pr is None else p_pr.find(qn("w:framePr"))


def test_colophon_is_pinned_to_the_foot_of_its_page(docx_bytes):
    """版记: a frame as wide as the text block whose lower edge is the text block's (the
    last thick rule on the lower edge), on an even page after the attachments."""
    document = open_docx(docx_bytes)
    copy_to = find_paragraph(document, "抄送：")
    printer = find_paragraph(document, "示范市发展和改革委员会办公室")
    for paragraph in (copy_to, printer):
        frame = _frame(paragraph)
        assert frame is not None
        attrs = {key.split("}")[1]: value for key, value in frame.attrib.items()}
        assert attrs == {
            "w": str(round(156 * 1440 / 25.4)),  # 156 mm in twentieths of a point
            "wrap": "notBeside",
            "vAnchor": "margin",
            "hAnchor": "margin",
            "xAlign": "center",
            "yAlign": "bottom",
        }
        # framePr comes before the borders and indents (schema order Word validates).
        tags = [child.tag.split("}")[1] for child in paragraph._p.pPr]
        assert tags.index("framePr") < tags.index("pBdr")
    assert document.paragraphs[-1]._p is printer._p  # nothing after the 版记
    assert document.sections[-1].start_type == WD_SECTION.EVEN_PAGE
    # Body paragraphs are not framed.
    assert _frame(find_paragraph(document, "各县（市、区）发改局：")) is None


def test_colophon_without_attachments_is_pinned_on_the_last_body_page():
    doc = OfficialDocument(title="关于测试的通知", issuer="示范市发展和改革委员会", number="示发改〔2026〕1号")
    doc.paragraph("正文。")
    doc.colophon(printer="示范市发展和改革委员会办公室", printed_on=DAY)
    document = open_docx(doc.to_bytes())
    assert len(document.sections) == 1
    printer = find_paragraph(document, "示范市发展和改革委员会办公室")
    assert _frame(printer) is not None and document.paragraphs[-1]._p is printer._p
    assert _frame(find_paragraph(document, "正文。")) is None
