"""The Word document of a letter, in the usual layout of an official letter (公文函件格式,
after GB/T 9704): the issuer's red header, the number, the title, the addressee, the
matter and deadline, then the issuer and date at the bottom right."""

import datetime
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _


def chinese_date(day: datetime.date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def letter_docx(letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    normal = document.styles["Normal"]
    normal.font.name = "FangSong"
    normal.font.size = Pt(16)  # 三号
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")

    def paragraph(text: str, *, align=None, size=None, bold=False, color=None, font=None, indent=False):
        para = document.add_paragraph()
        if align is not None:
            para.alignment = align
        if indent:
            para.paragraph_format.first_line_indent = Pt(32)  # two characters
        run = para.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = color
        if font:
            run.font.name = font
            run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
        return para

    red = RGBColor(0xD0, 0x00, 0x00)
    paragraph(letter.issuer_name, align=WD_ALIGN_PARAGRAPH.CENTER, size=26, bold=True, color=red, font="方正小标宋简体")
    paragraph(letter.reference, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph("", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(letter.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=22, font="方正小标宋简体")
    paragraph(f"{letter.addressee.name}：")
    paragraph(letter.matter, indent=True)
    paragraph(
        _("请于%(deadline)s前将办理情况书面反馈%(issuer)s。")
        % {"deadline": chinese_date(letter.deadline), "issuer": letter.issuer_name},
        indent=True,
    )
    paragraph(
        _("项目：%(project)s；问题类型：%(type)s。")
        % {"project": letter.problem.project.name, "type": letter.problem.get_problem_type_display()},
        indent=True,
    )
    paragraph("")
    paragraph(letter.issuer_name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(chinese_date(letter.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def letter_document_response(letter) -> HttpResponse:
    """The stored .docx of a letter as a download (page and API alike)."""
    response = HttpResponse(bytes(letter.document), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"letter-{letter.year}-{letter.kind}-{letter.number}.docx"
    )
    return response
