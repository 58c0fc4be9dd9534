"""The one machinery for official documents (公文) in GB/T 9704-2012 layout: bulletins,
letters, briefs, meeting agendas and minutes, the speech data. Callers say what the
document says (title, headings by level, paragraphs, tables, attachments, images, 版记);
this module decides how it looks, so every document of KeyProjects looks the same.

Layout (shared/reference/bulletin-format.md §1): A4; 天头 37 mm, 订口 28 mm, text block
156 × 225 mm (so bottom 35 mm, right 26 mm); 22 lines × 28 characters of 3号 (16 pt) on a
document grid; title 2号 (22 pt) 方正小标宋简体; body 3号 仿宋_GB2312; level 1 黑体, level 2
楷体_GB2312, level 3 仿宋_GB2312 bold, level 4 仿宋_GB2312; page numbers 4号 (14 pt) 宋体 half-width
digits between 一字线 ("— 1 —"), odd pages right and even pages left, one character in;
版记 between a thick (0.35 mm) and a thin (0.25 mm) rule, 4号 仿宋. Digits and Latin
letters are set in Times New Roman (house style).

The bytes are reproducible: the same content gives the same file (fixed zip times and core
properties), so a frozen document can be regenerated and compared.
"""

import datetime
import io
import struct
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

# --- the standard's numbers -----------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM  # 35
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - TEXT_WIDTH_MM  # 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_TABLE = Pt(12)  # 小四: attachment tables, so that a dozen columns fit
SIZE_NOTE = Pt(10.5)  # 五号: figure notes in working papers

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"

#: Heading level → (East Asian font, bold).
HEADING_FONTS = {1: (HEI_FONT, False), 2: (KAI_FONT, False), 3: (BODY_FONT, True), 4: (BODY_FONT, False)}

# One line = the text block's height ÷ 22 (≈ 28.95 pt); one character = its width ÷ 28.
LINE_PITCH_PT = TEXT_HEIGHT_MM / LINES_PER_PAGE * 72 / 25.4
CHAR_PITCH_PT = TEXT_WIDTH_MM / CHARS_PER_LINE * 72 / 25.4
# The grid, as Word keeps it: line pitch in twentieths of a point; character spacing as
# the difference from the 3号 character in 4096ths of a point.
GRID_LINE_PITCH = round(LINE_PITCH_PT * 20)
GRID_CHAR_SPACE = round((CHAR_PITCH_PT - 16) * 4096)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PLAIN_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
RED = RGBColor(0xE6, 0x00, 0x12)
GREY = RGBColor(0x80, 0x80, 0x80)
BLACK = RGBColor(0, 0, 0)

# Reproducible files: every zip member and the core properties carry this time.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

CHINESE_NUMERALS = "〇一二三四五六七八九十"


def chinese_date(day: datetime.date) -> str:
    """2026年12月1日: Arabic numerals, month and day not padded (GB/T 9704 §7.3.5)."""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (heading numbers up to 99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CHINESE_NUMERALS[tens]) + "十" if tens else ""
    return text + (CHINESE_NUMERALS[ones] if ones else "")


def document_number(prefix: str, year: int, number: int) -> str:
    """发文字号: 示范市发改通〔2026〕3号 (六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{number}号"


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph. kind: text, figure (bold), none (no data, grey), manual
    (to fill in by hand, highlighted)."""

    text: str
    kind: str = "text"


def _set_fonts(run_or_style_font_element, east_asian: str, latin: str = LATIN_FONT) -> None:
    r_pr = run_or_style_font_element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _border(paragraph, edge: str, *, size_eighths: int, color: str = "000000") -> None:
    """A rule along one edge of a paragraph (w:sz in eighths of a point)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _pin_to_foot(paragraph) -> None:
    """Put the paragraph in a frame as wide as the text block whose lower edge is the text
    block's (w:framePr anchored to the margins, aligned to the bottom): consecutive
    paragraphs with the same frame properties make one frame, so the 版记 sits at the foot
    of the page however long the text above it is. Body text does not run beside it."""
    frame = OxmlElement("w:framePr")
    for name, value in (
        ("w", str(round(TEXT_WIDTH_MM * 1440 / 25.4))),
        ("wrap", "notBeside"),
        ("vAnchor", "margin"),
        ("hAnchor", "margin"),
        ("xAlign", "center"),
        ("yAlign", "bottom"),
    ):
        frame.set(qn(f"w:{name}"), value)
    p_pr = paragraph._p.get_or_add_pPr()
    # Schema order: w:pStyle, w:keepNext, w:keepLines, w:pageBreakBefore, then w:framePr.
    before = {qn(f"w:{tag}") for tag in ("pStyle", "keepNext", "keepLines", "pageBreakBefore")}
    position = sum(1 for child in p_pr if child.tag in before)
    p_pr.insert(position, frame)


# 0.35 mm ≈ 1 pt = 8 eighths; 0.25 mm ≈ 0.7 pt ≈ 6 eighths.
THICK_RULE, THIN_RULE = 8, 6


class OfficialDocument:
    """A 公文 being written. Typical use:

    doc = OfficialDocument(title="关于……的通报", issuer="示范市发展和改革委员会",
                           number="示范市发改通〔2026〕3号", addressee="各县（市、区）发改局：")
    doc.heading("一、总体情况")  # level from the numbering, or level=2 …
    doc.paragraph("截至11月底，……")
    doc.attachment("分县区完成情况表", headers, rows)
    doc.signature("示范市发展和改革委员会", date)
    doc.colophon(copy_to=["市政府办公室"], printer="示范市发展和改革委员会办公室", printed_on=date)
    data = doc.to_bytes()
    """

    def __init__(
        self,
        *,
        title: str,
        issuer: str = "",
        number: str = "",
        addressee: str = "",
        issuer_mark: str = "",
        created: datetime.date | None = None,
    ):
        self.document = Document()
        self.title = title
        self._attachments: list[tuple[str, list[str], list[list], dict]] = []
        self._created = created or datetime.date(2000, 1, 1)
        self._setup_page(self.document.sections[0])
        self._setup_styles()
        self._page_numbers()
        self._heading_counters = [0, 0, 0, 0]
        if issuer_mark or issuer:
            self._letterhead(issuer_mark or issuer, number)
        self._title(title)
        if addressee:
            self.paragraph(addressee if addressee.endswith("：") else addressee + "：", indent=False)

    # --- page and styles ----------------------------------------------------------

    @staticmethod
    def _setup_page(section, *, landscape: bool = False) -> None:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
            # The text block turned with the page: binding edge stays at the top.
            section.top_margin, section.bottom_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
            section.left_margin, section.right_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
            section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
            section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        # The page number's 一字线 sits 7 mm below the text block.
        section.footer_distance = Mm(BOTTOM_MM - 7 - 5)
        section.header_distance = Mm(15)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
        grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))

    def _setup_styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.size = SIZE_3
        normal.font.color.rgb = BLACK
        _set_fonts(normal.element, BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(round(LINE_PITCH_PT, 2))
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False
        props = self.document.core_properties
        props.title = self.title
        props.author = props.last_modified_by = "KeyProjects"
        moment = datetime.datetime.combine(self._created, datetime.time())
        props.created = props.modified = moment
        props.revision = 1

    def _page_numbers(self) -> None:
        """— N — in 4号 宋体: odd pages right, even pages left, one character in."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        self._number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        self._number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    @staticmethod
    def _number_footer(footer, align) -> None:
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = SIZE_4
        else:
            fmt.left_indent = SIZE_4

        def run(text: str = ""):
            item = paragraph.add_run(text)
            item.font.size = SIZE_4
            _set_fonts(item._element, SONG_FONT, SONG_FONT)
            return item

        run("— ")
        for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
            item = run()
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
                item._element.append(field)
            else:
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                item._element.append(instruction)
        run(" —")

    # --- parts of the 版头 and 主体 ---------------------------------------------------

    def _letterhead(self, mark: str, number: str) -> None:
        """发文机关标志 in red 小标宋, the 发文字号 centred, then the red rule."""
        head = self._add(mark, font=TITLE_FONT, size=Pt(36), color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
        head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        head.paragraph_format.space_before = Pt(LINE_PITCH_PT)
        self._add("", indent=False)
        numbered = self._add(number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _border(numbered, "bottom", size_eighths=THICK_RULE + 4, color="E60012")
        self._add("", indent=False)

    def title_paragraph(self, title: str) -> None:
        """A further title in 2号 小标宋 (a second document bound in the same file)."""
        self._title(title)

    def _title(self, title: str) -> None:
        para = self._add(title, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
        para.paragraph_format.line_spacing = Pt(35)
        self._add("", indent=False)

    def _add(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size=SIZE_3,
        bold: bool = False,
        color: RGBColor | None = None,
        align=None,
        indent: bool = False,
    ):
        para = self.document.add_paragraph()
        if align is not None:
            para.alignment = align
        if indent:
            para.paragraph_format.first_line_indent = Pt(CHAR_PITCH_PT * 2)
        if text:
            run = para.add_run(text)
            run.font.size = size
            run.bold = bold
            if color is not None:
                run.font.color.rgb = color
            _set_fonts(run._element, font)
        return para

    def heading(self, text: str, level: int = 1):
        """A heading of level 1 (一、), 2 (（一）), 3 (1.) or 4 (（1）), in that level's font,
        indented two characters like the body (GB/T 9704 §7.3.3). The caller writes the
        number; `numbered_heading` numbers it."""
        if level not in HEADING_FONTS:
            raise ValueError(level)
        font, bold = HEADING_FONTS[level]
        para = self._add(text, font=font, bold=bold, indent=True)
        para.paragraph_format.keep_with_next = True
        return para

    def numbered_heading(self, text: str, level: int = 1):
        """A heading numbered in sequence per level: 一、 （一） 1. （1）; a higher level
        restarts the lower ones (so no two headings share a number)."""
        self._heading_counters[level - 1] += 1
        for lower in range(level, len(self._heading_counters)):
            self._heading_counters[lower] = 0
        n = self._heading_counters[level - 1]
        prefix = {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]
        return self.heading(prefix + text, level)

    def paragraph(self, content: "str | list[Run]", *, indent: bool = True, align=None, size=SIZE_3):
        """A body paragraph (3号 仿宋, first line indented two characters)."""
        para = self._add(indent=indent, align=align)
        runs = [Run(content)] if isinstance(content, str) else content
        for piece in runs:
            run = para.add_run(piece.text)
            run.font.size = size
            _set_fonts(run._element, BODY_FONT)
            if piece.kind == "figure":
                run.bold = True
            elif piece.kind == "none":
                run.font.color.rgb = GREY
            elif piece.kind == "manual":
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return para

    def note(self, text: str):
        """A small grey note under a paragraph (working papers only, never in a 公文)."""
        para = self._add(text, size=SIZE_NOTE, color=RGBColor(0x5B, 0x66, 0x75))
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        return para

    def image(self, data: bytes, *, width_mm: float = TEXT_WIDTH_MM, caption: str = ""):
        """A picture as wide as the text block (or `width_mm`), centred, with a caption."""
        para = self.document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))
        if caption:
            self._add(caption, size=SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER)
        return para

    def table(self, headers: list[str], rows: list[list], *, size=SIZE_TABLE, total_row: bool = False):
        """A grid table: bold header row repeated on every page; numbers right-aligned."""
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        _repeat_header(header)
        for cell, text in zip(header.cells, headers, strict=True):
            self._cell(cell, text, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=HEI_FONT)
        widths = [cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w")) for cell in header.cells]
        _append_rows(table, rows, widths=widths, size=size, total_row=total_row)
        return table

    @staticmethod
    def _cell(cell, text: str, *, size, bold=False, align=None, font=BODY_FONT) -> None:
        para = cell.paragraphs[0]
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        para.paragraph_format.first_line_indent = Pt(0)
        if align is not None:
            para.alignment = align
        run = para.add_run(text)
        run.font.size = size
        run.bold = bold
        _set_fonts(run._element, font)

    def attachment_notes(self, names: list[str]) -> None:
        """附件说明 under the body: "附件：1.…", later names aligned under the first."""
        if not names:
            return
        self._add("", indent=False)
        for index, name in enumerate(names, start=1):
            label = ("附件：" if index == 1 else "　　　") + (f"{index}.{name}" if len(names) > 1 else name)
            self._add(label, indent=True)

    def signature(self, issuer: str, day: datetime.date) -> None:
        """发文机关署名 and 成文日期 (unsealed): the issuer 右空二字, the date below it."""
        self._add("", indent=False)
        self._add("", indent=False)
        issuer_para = self._add(issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
        issuer_para.paragraph_format.right_indent = Pt(CHAR_PITCH_PT * 2)
        date_para = self._add(chinese_date(day), align=WD_ALIGN_PARAGRAPH.RIGHT)
        date_para.paragraph_format.right_indent = Pt(CHAR_PITCH_PT * 2)

    def attachment(self, name: str, headers: list[str], rows: list[list], *, landscape=None, unit="", total_row=False):
        """An attachment (附件) bound with the body: a new page (landscape when the table is
        wide), "附件N" in 3号 黑体, its title centred in 小标宋, the table."""
        self._attachments.append((name, headers, rows, {"landscape": landscape, "unit": unit, "total_row": total_row}))

    def _write_attachments(self) -> None:
        several = len(self._attachments) > 1
        for index, (name, headers, rows, options) in enumerate(self._attachments, start=1):
            landscape = options["landscape"] if options["landscape"] is not None else len(headers) > 7
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            self._setup_page(section, landscape=landscape)
            label = self._add(_("附件%(n)s") % {"n": index} if several else _("附件"), font=HEI_FONT)
            label.paragraph_format.first_line_indent = Pt(0)
            self._add(name, font=TITLE_FONT, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
            if options["unit"]:
                self._add(options["unit"], size=SIZE_TABLE, align=WD_ALIGN_PARAGRAPH.RIGHT)
            self.table(headers, rows, total_row=options["total_row"])

    def colophon(self, *, printer: str, printed_on: datetime.date, copy_to: list[str] | None = None) -> None:
        """版记 at the foot of the last page: thick rule, 抄送 (4号 仿宋, 左右各空一字), thin
        rule, 印发机关 and 印发日期 on one line, thick rule; the last rule on the lower edge
        of the text block."""
        self._colophon = (printer, printed_on, copy_to or [])

    def _write_colophon(self) -> None:
        colophon = getattr(self, "_colophon", None)
        if colophon is None:
            return
        printer, printed_on, copy_to = colophon
        if self._attachments:
            # After the attachments, on a page of its own: an even one, the back of the last
            # sheet when printed on both sides (Word and LibreOffice add a blank page if needed).
            section = self.document.add_section(WD_SECTION.EVEN_PAGE)
            self._setup_page(section)
        one_char = Pt(CHAR_PITCH_PT * 14 / 16)
        paragraphs = []
        if copy_to:
            para = self._add(_("抄送：") + "，".join(copy_to) + "。", size=SIZE_4)
            para.paragraph_format.left_indent = para.paragraph_format.right_indent = one_char
            paragraphs.append(para)
        line = self._add(printer, size=SIZE_4)
        line.paragraph_format.left_indent = line.paragraph_format.right_indent = one_char
        line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - one_char * 2, alignment=2)  # right
        run = line.add_run("\t" + chinese_date(printed_on) + _("印发"))
        run.font.size = SIZE_4
        _set_fonts(run._element, BODY_FONT)
        paragraphs.append(line)
        _border(paragraphs[0], "top", size_eighths=THICK_RULE)
        if len(paragraphs) > 1:
            _border(paragraphs[0], "bottom", size_eighths=THIN_RULE)
        _border(paragraphs[-1], "bottom", size_eighths=THICK_RULE)
        for paragraph in paragraphs:
            _pin_to_foot(paragraph)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- output ----------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        self._write_attachments()
        self._write_colophon()
        self._attachments, self._colophon = [], None
        buffer = io.BytesIO()
        self.document.save(buffer)
        return reproducible_zip(buffer.getvalue())


def _append_rows(table, rows: list[list], *, widths: list[str], size, total_row: bool) -> None:
    """The data rows, written as XML and parsed once with plain lxml: python-docx's add_row
    and cell access walk the whole grid each time (minutes for a thousand projects), and its
    own parser looks up a class per element. Same markup as OfficialDocument._cell: single
    spacing, no indent, numbers right-aligned. The runs take their fonts (仿宋 and Times New
    Roman, as _cell sets) from the Normal style instead of repeating them in every cell: a
    third less XML to parse, save and compress for a thousand-row list."""
    half_points = round(size.pt * 2)

    def cell_start(width: str, align: str, bold: str) -> str:
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
            f'<w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:rPr>{bold}<w:sz w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">'
        )

    starts = {
        (index, align, bold): cell_start(width, align, bold)
        for index, width in enumerate(widths)
        for align in ("left", "right")
        for bold in ("", "<w:b/>")
    }
    end = "</w:t></w:r></w:p></w:tc>"
    parts = [f'<w:tbl xmlns:w="{W_NS}">']
    last = len(rows) - 1
    for row_index, row in enumerate(rows):
        bold = "<w:b/>" if total_row and row_index == last else ""
        parts.append("<w:tr>")
        for index, value in enumerate(row):
            numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            parts.append(starts[index, "right" if numeric else "left", bold])
            parts.append(xml_escape(cell_text(value)))
            parts.append(end)
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    for tr in list(etree.fromstring("".join(parts).encode(), PLAIN_PARSER)):
        table._tbl.append(tr)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def cell_text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def reproducible_zip(data: bytes) -> bytes:
    """The same package with every member's time set to FIXED_ZIP_TIME, so equal content
    gives equal bytes. The DOS time and date fields are patched in place in each local
    header and central-directory entry (no second compression of a large document)."""
    buffer = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    year, month, day, hour, minute, second = FIXED_ZIP_TIME
    dos_time = (hour << 11) | (minute << 5) | (second // 2)
    dos_date = ((year - 1980) << 9) | (month << 5) | day
    stamp = struct.pack("<HH", dos_time, dos_date)
    for info in archive.infolist():
        # Local file header: signature, version, flags, method, then time and date at +10.
        buffer[info.header_offset + 10 : info.header_offset + 14] = stamp
    position = archive.start_dir
    for _info in archive.infolist():
        # Central directory entry: time and date at +12; then sizes of name, extra, comment.
        buffer[position + 12 : position + 16] = stamp
        name, extra, comment = struct.unpack("<HHH", bytes(buffer[position + 28 : position + 34]))
        position += 46 + name + extra + comment
    return bytes(buffer)
