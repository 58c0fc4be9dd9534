"""Reading a .docx back (tests, the bulletin's self-check): the text of every paragraph
with the East Asian font and size each run resolves to (the run's own, else the style's)."""

import io
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn


@dataclass(frozen=True)
class RunInfo:
    text: str
    east_asian_font: str | None
    latin_font: str | None
    size_pt: float | None
    bold: bool


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def _style_fonts(document):
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    return (
        fonts.get(qn("w:eastAsia")) if fonts is not None else None,
        fonts.get(qn("w:ascii")) if fonts is not None else None,
        normal.font.size.pt if normal.font.size else None,
    )


def runs_of(document, paragraph) -> list[RunInfo]:
    style_east, style_latin, style_size = _style_fonts(document)
    result = []
    for run in paragraph.runs:
        fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
        east = fonts.get(qn("w:eastAsia")) if fonts is not None else None
        latin = fonts.get(qn("w:ascii")) if fonts is not None else None
        result.append(
            RunInfo(
                text=run.text,
                east_asian_font=east or style_east,
                latin_font=latin or style_latin,
                size_pt=run.font.size.pt if run.font.size else style_size,
                bold=bool(run.bold),
            )
        )
    return result


def paragraph_texts(document) -> list[str]:
    """Every paragraph's text, tables' cells included, in order of the body."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def find_paragraph(document, startswith: str):
    return next(p for p in document.paragraphs if p.text.startswith(startswith))
