"""A corpus of hostile and broken files, built by the tests: extent bombs, entity
declarations, macros, zip bombs, damaged archives, CSV traps. Each entry is
(label, file name, bytes)."""

import io
import re
import zipfile
import zlib

from .workbooks import PLAN_HEADER, csv_bytes, xlsx

SHEET = "xl/worksheets/sheet1.xml"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)
XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _base() -> bytes:
    return xlsx([["某市2026年重点项目计划表"], ["单位：万元"], PLAN_HEADER, ["1", "甲项目", "", "渭滨区"]])


def _rewrite(content: bytes, changes: dict, *, add: dict | None = None, drop=(), method=zipfile.ZIP_DEFLATED) -> bytes:
    """Copy an archive, replacing members by `changes[name](data)`, adding and dropping some."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            data = source.read(info.filename)
            if info.filename in changes:
                data = changes[info.filename](data)
            target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _sheet(extra: bytes, *, where=b"</sheetData>") -> dict:
    return {SHEET: lambda data: data.replace(where, extra + where, 1)}


def _prolog(part: str, prolog: bytes) -> dict:
    def change(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return prolog + body

    return {part: change}


def _ods(content_xml: str, *, extra: dict | None = None) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="计划">'
    )
    tail = "</table:table></office:spreadsheet></office:body></office:document-content>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", head + content_xml + tail)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _cell(text: str, attrs: str = "") -> str:
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{text}</text:p></table:table-cell>'


def _row(cells: str, attrs: str = "") -> str:
    return f"<table:table-row{attrs}>{cells}</table:table-row>"


def _corrupt_deflate(content: bytes, member: str) -> bytes:
    """Damage the compressed bytes of one member (its local header stays valid)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(member)
    data = bytearray(content)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40), 3):
        data[offset] ^= 0xA5
    return bytes(data)


def _many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(count):
            archive.writestr(f"junk/{index}.xml", "<a/>")
    return buffer.getvalue()


def _zip_bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
    return buffer.getvalue()


def corpus() -> list[tuple[str, str, bytes]]:
    base = _base()
    files: list[tuple[str, str, bytes]] = []

    def add(label: str, content: bytes, name: str = "计划.xlsx"):
        files.append((label, name, content))

    # Extent bombs in .xlsx
    add("cell at XFD1048576", _rewrite(base, _sheet(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')))
    add("cell at ZZZ1", _rewrite(base, _sheet(b'<row r="9"><c r="ZZZ9"><v>1</v></c></row>')))
    add("cell at AAA5 lowercase ref", _rewrite(base, _sheet(b'<row r="9"><c r="aaa9"><v>1</v></c></row>')))
    add("row 1048576", _rewrite(base, _sheet(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')))
    add("800 cells without r=", _rewrite(base, _sheet(b'<row r="9">' + b"<c><v>1</v></c>" * 800 + b"</row>")))
    add(
        "cells without r= after XFA",
        _rewrite(base, _sheet(b'<row r="9"><c r="ZY9"><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>')),
    )
    add("rows without r= over the cap", _rewrite(base, _sheet(b"<row><c><v>1</v></c></row>" * 100_200)))
    add("empty rows without r= over the cap", _rewrite(base, _sheet(b"<row/>" * 100_200)))
    add(
        "dimension A1:XFD1048576",
        _rewrite(base, {SHEET: lambda d: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', d)}),
    )
    add(
        "dimension inserted",
        _rewrite(base, {SHEET: lambda d: d.replace(b"<sheetViews>", b'<dimension ref="A1:ZZ200000"/><sheetViews>')}),
    )
    add(
        "merged A1:XFD1048576",
        _rewrite(
            base, _sheet(b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>', where=b"<pageMargins")
        ),
    )
    add(
        "merged A1:ZZ100000",
        _rewrite(
            base, _sheet(b'<mergeCells count="1"><mergeCell ref="A10:ZZ100000"/></mergeCells>', where=b"<pageMargins")
        ),
    )
    add(
        "many merged ranges",
        _rewrite(
            base,
            _sheet(
                b"<mergeCells>"
                + b"".join(b'<mergeCell ref="A%d:Z%d"/>' % (r, r) for r in range(10, 6000))
                + b"</mergeCells>",
                where=b"<pageMargins",
            ),
        ),
    )
    add(
        "merged ref garbage",
        _rewrite(base, _sheet(b'<mergeCells count="1"><mergeCell ref="!!:??"/></mergeCells>', where=b"<pageMargins")),
    )
    add("area over the cell cap", _rewrite(base, _sheet(b'<row r="99000"><c r="ZX99000"><v>1</v></c></row>')))
    add("formula without value", _rewrite(base, _sheet(b'<row r="9"><c r="J9"><f>SUM(J1:J8)</f></c></row>')))
    add("formula without value, no r=", _rewrite(base, _sheet(b"<row><c><f>1+1</f></c></row>")))
    add(
        "shared formula without value", _rewrite(base, _sheet(b'<row r="9"><c r="J9"><f t="shared" si="0"/></c></row>'))
    )
    # Entity declarations, anywhere and in any part, in any encoding
    add("billion laughs in sheet", _rewrite(base, _prolog(SHEET, BILLION_LAUGHS)))
    add("billion laughs in workbook.xml", _rewrite(base, _prolog("xl/workbook.xml", BILLION_LAUGHS)))
    add("billion laughs in sharedStrings", _rewrite(base, _prolog("xl/sharedStrings.xml", BILLION_LAUGHS)))
    add("billion laughs in styles", _rewrite(base, _prolog("xl/styles.xml", BILLION_LAUGHS)))
    add("XXE in sheet", _rewrite(base, _prolog(SHEET, XXE)))
    add("XXE in Content_Types", _rewrite(base, _prolog("[Content_Types].xml", XXE)))
    add("XXE in rels", _rewrite(base, _prolog("xl/_rels/workbook.xml.rels", XXE)))
    add(
        "DOCTYPE after 8 KB of comment",
        _rewrite(base, _prolog(SHEET, b'<?xml version="1.0"?><!--' + b"x" * 8192 + b"-->" + XXE[21:])),
    )
    add("doctype lowercase garbage", _rewrite(base, _prolog(SHEET, b'<?xml version="1.0"?><!doctype r>')))
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><r>&x;</r>').encode("utf-16")
    add("DOCTYPE in UTF-16 part", _rewrite(base, {}, add={"xl/custom.xml": utf16}))
    # A sheet in UTF-16 without a byte-order mark: a byte search sees none of its tags.
    add(
        "UTF-16 sheet without BOM, cell at XFD1048576",
        _rewrite(
            base,
            {
                SHEET: lambda data: (
                    data.decode("utf-8")
                    .replace("UTF-8", "UTF-16", 1)
                    .replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>', 1)
                    .encode("utf-16-le")
                )
            },
        ),
    )
    add("DOCTYPE in docProps", _rewrite(base, _prolog("docProps/app.xml", XXE)))
    add(
        "parameter entity",
        _rewrite(
            base,
            _prolog(
                SHEET, b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]>'
            ),
        ),
    )
    # Macros, by any spelling
    add("vbaProject.bin", _rewrite(base, {}, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    add("VBAPROJECT.BIN upper case", _rewrite(base, {}, add={"xl/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0"}))
    add("VbaProject.bin elsewhere", _rewrite(base, {}, add={"custom/VbaProject.Bin": b"x"}))
    add(
        "macroEnabled content type",
        _rewrite(base, {"[Content_Types].xml": lambda d: d.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")}),
    )
    add("xlsm name", base, "计划.xlsm")
    add("XLSM upper-case name", base, "计划.XLSM")
    # Damaged archives
    add("corrupted deflate in sheet", _corrupt_deflate(base, SHEET))
    add("corrupted deflate in sharedStrings", _corrupt_deflate(base, "xl/sharedStrings.xml"))
    add("corrupted deflate in workbook", _corrupt_deflate(base, "xl/workbook.xml"))
    add("truncated archive", base[: len(base) // 2])
    add("archive without end record", base[:-22])
    add("zip header only", b"PK\x03\x04" + b"\0" * 200)
    add("zip bomb 60 MB of zeros", _zip_bomb(60 << 20))
    add("2,500 members", _many_members(2500))
    add("sheet part missing", _rewrite(base, {}, drop=(SHEET,)))
    add("workbook.xml not XML", _rewrite(base, {"xl/workbook.xml": lambda d: b"\x00\x01 not xml"}))
    add("sheet not well-formed", _rewrite(base, {SHEET: lambda d: d[: len(d) // 2]}))
    add("deeply nested elements", _rewrite(base, _sheet(b"<x>" * 50_000 + b"</x>" * 50_000)))
    add("xlsb workbook.bin", _rewrite(base, {}, add={"xl/workbook.bin": b"\0" * 100}, drop=("xl/workbook.xml",)))
    add("a zip that is no workbook", _rewrite(base, {}, drop=("xl/workbook.xml", "[Content_Types].xml")))
    add("member name traversal", _rewrite(base, {}, add={"../../etc/evil.xml": b"<a/>"}))
    add(
        "values NaN and 1e400",
        _rewrite(base, _sheet(b'<row r="9"><c r="A9"><v>NaN</v></c><c r="B9"><v>1e400</v></c></row>')),
    )
    add(
        "date far out of range",
        _rewrite(base, _sheet(b'<row r="9"><c r="J9" s="0" t="d"><v>99999-99-99</v></c></row>')),
    )
    add(
        "shared string index out of range",
        _rewrite(base, _sheet(b'<row r="9"><c r="B9" t="s"><v>999999</v></c></row>')),
    )
    add(
        "huge attribute",
        _rewrite(
            base,
            _sheet(b'<row r="9"><c r="B9" t="inlineStr" x="' + b"a" * 2_000_000 + b'"><is><t>x</t></is></c></row>'),
        ),
    )
    add(
        "only hidden sheets",
        _rewrite(
            base,
            {
                "xl/workbook.xml": lambda d: d.replace(
                    b'<sheet name="Sheet1"', b'<sheet state="veryHidden" name="Sheet1"'
                )
            },
        ),
    )
    add(
        "no sheets",
        _rewrite(
            base,
            {
                "xl/workbook.xml": lambda d: d.replace(b"<sheets>", b"<sheets><!--").replace(
                    b"</sheets>", b"--></sheets>"
                )
            },
        ),
    )
    # .ods extent bombs
    x = _cell("x")
    wide = _cell("x", ' table:number-columns-repeated="16384"')
    wider = _cell("x", ' table:number-columns-repeated="1000"')
    span = _cell("x", ' table:number-columns-spanned="16384" table:number-rows-spanned="1048576"')
    empty_cells = '<table:table-cell table:number-columns-repeated="16000"/>'
    empty_rows = '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
    add("ods rows repeated with content", _ods(_row(x, ' table:number-rows-repeated="1048576"')), "计划.ods")
    add("ods columns repeated with content", _ods(_row(wide)), "计划.ods")
    add("ods both repeated", _ods(_row(wider, ' table:number-rows-repeated="100000"')), "计划.ods")
    add("ods empty rows then content", _ods(empty_rows + _row(x)), "计划.ods")
    add("ods empty cells then content", _ods(_row(empty_cells + x)), "计划.ods")
    add("ods huge span", _ods(_row(span)), "计划.ods")
    add(
        "ods formula without value",
        _ods('<table:table-row><table:table-cell table:formula="of:=1+1"/></table:table-row>'),
        "计划.ods",
    )
    add("ods DOCTYPE in content", _rewrite(_ods(""), _prolog("content.xml", BILLION_LAUGHS)), "计划.ods")
    add("ods DOCTYPE in styles", _ods("", extra={"styles.xml": XXE + b"<r/>"}), "计划.ods")
    add("ods Basic macros", _ods(_row(x), extra={"Basic/Standard/Module1.xml": "<a/>"}), "计划.ods")
    add("ods Scripts", _ods(_row(x), extra={"Scripts/python/x.py": "import os"}), "计划.ods")
    add("ods truncated", _ods(_row(x))[:300], "计划.ods")
    add("ods corrupted deflate", _corrupt_deflate(_ods(_row(x * 50)), "content.xml"), "计划.ods")
    # CSV and text traps
    add("CSV field over the csv limit", ("项目名称,总投资\n" + "甲" * 200_000 + ",1\n").encode(), "计划.csv")
    add("CSV unclosed quote over the limit", ('项目名称,总投资\n"' + "x" * 140_000).encode(), "计划.csv")
    add("CSV with NUL bytes", "项目名称,总投资\n甲\0项目,1\n".encode(), "计划.csv")
    add("CSV NUL only", b"\0" * 5000, "计划.csv")
    add("CSV 800 columns", (",".join(["项目名称"] + ["x"] * 800) + "\n").encode(), "计划.csv")
    add("CSV rows over the cap", b"\xe9\xa1\xb9\xe7\x9b\xae\xe5\x90\x8d\xe7\xa7\xb0\n" + b"a\n" * 100_300, "计划.csv")
    add("CSV invalid UTF-16 BOM", b"\xff\xfe" + "项目".encode("utf-16-le") + b"\x00", "计划.csv")
    add("CSV undecodable bytes", bytes(range(128, 256)) * 40, "计划.csv")
    add("CSV control characters", csv_bytes([["项目名称", "总投资"], ["甲\x07项目", "1"]]), "计划.csv")
    add("CSV formula injection", csv_bytes([["项目名称", "总投资"], ["=cmd|' /C calc'!A0", "1"]]), "计划.csv")
    # Other formats and names
    add("empty file", b"", "计划.xlsx")
    add("PDF", b"%PDF-1.7\n" + b"\0" * 100, "计划.xlsx")
    add("PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "计划.xlsx")
    add("ELF", b"\x7fELF" + b"\0" * 100, "计划.csv")
    add("random binary", zlib.compress(b"x" * 1000) * 20, "计划.xls")
    add("OLE garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 4000, "计划.xls")
    add("OLE with VBA", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + b"_VBA_PROJECT" + b"\0" * 100, "计划.xls")
    add("1 KB file name", base, "项" * 340 + ".xlsx")
    add("name with path and NUL", base, "../../etc/passwd\x00.xlsx")
    return files
