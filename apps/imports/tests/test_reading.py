"""Formats, encodings and hostile files: what the reader accepts, and what it refuses
before any parser sees the bytes."""

import codecs
import io
import zipfile

import pytest

from apps.imports.reading import FileRefused, decode_text, read_workbook

from .workbooks import add_member, csv_bytes, rewrite_zip, xlsx

ROWS = [["项目名称", "总投资"], ["甲项目", 100], ["乙项目", "2,000"]]


def test_xlsx_rows_come_back_as_cells():
    book = read_workbook(xlsx(ROWS), "a.xlsx")
    assert book.file_format == "xlsx"
    assert book.sheets[0].rows == [["项目名称", "总投资"], ["甲项目", 100.0], ["乙项目", "2,000"]]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("utf-8", "UTF-8"),
        ("gbk", "GB18030"),
        ("gb18030", "GB18030"),
        ("utf-16", "UTF-16LE"),  # Python writes a little-endian BOM
        ("utf-16-le", "UTF-16-LE"),
    ],
)
def test_csv_encodings_are_detected_and_recorded(encoding, expected):
    book = read_workbook(csv_bytes(ROWS, encoding=encoding), "a.csv")
    assert book.encoding == expected
    assert book.sheets[0].rows[1] == ["甲项目", "100"]


def test_tab_separated_text_is_read():
    book = read_workbook(csv_bytes(ROWS, delimiter="\t"), "a.txt")
    assert book.sheets[0].rows[2] == ["乙项目", "2,000"]


def test_utf16_big_endian_with_bom():
    text, name = decode_text(codecs.BOM_UTF16_BE + "项目名称,总投资\r\n".encode("utf-16-be"))
    assert (text, name) == ("项目名称,总投资\r\n", "UTF-16BE")


def test_ods_is_read():
    # A minimal OpenDocument spreadsheet, as LibreOffice/WPS save it.
    content = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="计划">
<table:table-row><table:table-cell office:value-type="string"><text:p>项目名称</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>总投资</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>甲项目</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="100"><text:p>100</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        # LibreOffice writes content.xml on one line; calamine's ODS reader expects that.
        archive.writestr("content.xml", content.replace("\n", ""))
        archive.writestr("META-INF/manifest.xml", manifest)
    book = read_workbook(buffer.getvalue(), "计划.ods")
    assert book.file_format == "ods"
    assert book.sheets[0].name == "计划"
    assert book.sheets[0].rows[1] == ["甲项目", 100.0]


def _refused(content: bytes, name: str) -> str:
    with pytest.raises(FileRefused) as caught:
        read_workbook(content, name)
    return str(caught.value)


def test_too_large_a_file_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert "超过上限" in _refused(b"x" * 1001, "a.csv")


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    rows = [["项目名称", "总投资"]] + [[f"项目{i}", i] for i in range(200)]
    assert "行数超过上限" in _refused(xlsx(rows), "a.xlsx")
    assert "行数超过上限" in _refused(csv_bytes(rows), "a.csv")


def test_empty_file_and_unknown_formats_are_refused():
    assert "空的" in _refused(b"", "a.xlsx")
    assert "无法识别" in _refused(b"%PDF-1.7 binary\x00\x01", "a.pdf")
    assert "无法识别" in _refused(b"\x89PNG\r\n\x1a\n\x00\x00", "a.png")
    # A Word document is a zip too, but not a workbook.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "无法识别" in _refused(buffer.getvalue(), "a.docx")


def test_damaged_zip_is_refused():
    assert "损坏" in _refused(b"PK\x03\x04" + b"\x00" * 100, "a.xlsx")


def test_zip_bomb_is_refused_by_its_ratio():
    content = add_member(xlsx(ROWS), "xl/media/bomb.bin", b"\x00" * (50 * 1024 * 1024))
    assert "压缩炸弹" in _refused(content, "a.xlsx")


def test_macro_enabled_workbooks_are_refused():
    assert "宏" in _refused(add_member(xlsx(ROWS), "xl/vbaProject.bin", b"VBA"), "a.xlsx")
    assert "宏" in _refused(xlsx(ROWS), "a.xlsm")
    assert "宏" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + b"_VBA_PROJECT", "a.xls")


def test_xml_entity_declarations_are_refused():
    def with_doctype(name, data):
        if name == "xl/sharedStrings.xml":
            return data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>', 1)
        return data

    assert "实体" in _refused(rewrite_zip(xlsx(ROWS), with_doctype), "a.xlsx")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16"])
def test_a_sheet_in_another_encoding_is_measured_by_the_xml_parser(encoding):
    """The byte-level count cannot see a UTF-16 sheet's tags (without a BOM it even starts
    with "<"): the parser-driven pass measures it and finds the far cell."""

    def far_cell(name, data):
        if name != "xl/worksheets/sheet1.xml":
            return data
        text = data.decode("utf-8").replace("UTF-8", "UTF-16", 1)
        return text.replace("</sheetData>", '<row r="90000"><c r="ZZZ90000"><v>1</v></c></row></sheetData>').encode(
            encoding
        )

    assert "ZZ" in _refused(rewrite_zip(xlsx(ROWS), far_cell), "a.xlsx")


def test_formula_without_cached_value_is_refused_naming_the_cell():
    def drop_value(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<f>B2*2</f><v>0</v>", b"<f>B2*2</f>")
        return data

    content = rewrite_zip(xlsx(ROWS, formulas=[(1, 2, "=B2*2", None)]), drop_value)
    message = _refused(content, "a.xlsx")
    assert "C2" in message and "公式" in message


def test_formula_with_cached_value_is_read_as_its_value():
    book = read_workbook(xlsx(ROWS, formulas=[(1, 2, "=B2*2", 200)]), "a.xlsx")
    assert book.sheets[0].rows[1][2] == 200.0


def test_huge_merged_range_is_refused():
    # The range alone (no cells inside it, as another writer may leave it): it is what calamine would fill.
    def merge(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(
                b"<pageMargins", b'<mergeCells count="1"><mergeCell ref="A6:AE200000"/></mergeCells><pageMargins'
            )
        return data

    assert "合并单元格范围过大" in _refused(rewrite_zip(xlsx(ROWS), merge), "a.xlsx")
    # As XlsxWriter writes it (its <dimension> spans the range too).
    message = _refused(xlsx(ROWS, merges=[(5, 0, 200000, 30, "合并")]), "a.xlsx")
    assert "合并单元格范围过大" in message or "行数超过上限" in message


def test_cell_far_to_the_right_is_refused_before_calamine_allocates_it():
    def far_cell(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"</sheetData>", b'<row r="3"><c r="XFD3" t="n"><v>1</v></c></row></sheetData>')
        return data

    assert "ZZ 列" in _refused(rewrite_zip(xlsx(ROWS), far_cell), "a.xlsx")


def test_xls_is_read_with_the_row_limit_warning(tmp_path):
    # No .xls writer is installed; calamine reads BIFF8 that LibreOffice writes. Without it, the
    # OLE container of a damaged file must still be refused with a message, not a crash.
    message = _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "a.xls")
    assert "无法读取" in message
