"""Reading an uploaded spreadsheet into rows of cell values, safely.

Every check that protects the server (size, zip bombs, macros, XML entities, huge
ranges) runs on the raw bytes BEFORE a parser sees them: calamine builds a dense
grid of the used range, so a single cell at XFD1048576 would ask for billions of cells.
Errors are `FileRefused` with a Chinese message; nothing is written before reading.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLS_MAX_ROWS = 65_536
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileRefused(Exception):
    """The upload cannot be read (format, size, hostile content). The message is for the user."""


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (first_row, first_col, last_row, last_col)
    hidden_rows: list[int] = field(default_factory=list)  # 0-based, as the extent pass found them
    hidden_columns: list[int] = field(default_factory=list)


@dataclass
class Workbook:
    file_format: str  # xlsx / xls / ods / csv
    sheets: list[Sheet]
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


def max_bytes() -> int:
    return _limit("IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return _limit("IMPORT_MAX_ROWS", 100_000)


def check_size(size: int) -> None:
    """The upload cap, checked on an upload's declared size (form, API) and on the bytes read."""
    if size > max_bytes():
        raise FileRefused(
            _("文件大小 %(size).1f MB 超过上限 %(limit).0f MB。")
            % {"size": size / 1048576, "limit": max_bytes() / 1048576}
        )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(content: bytes, file_name: str) -> Workbook:
    """Detect the format from the bytes (not the name), check them, and read every visible sheet."""
    check_size(len(content))
    if not content:
        raise FileRefused(_("文件是空的。"))
    lowered = file_name.lower()
    if content.startswith(ZIP_MAGIC):
        return _read_zip(content, lowered)
    if content.startswith(OLE_MAGIC):
        if lowered.endswith((".xlsm", ".xlsb", ".docm", ".xltm")):
            raise FileRefused(_("不接受含宏的文件，请另存为 .xlsx 后再导入。"))
        if b"_VBA_PROJECT" in content or b"V\x00B\x00A\x00" in content:
            raise FileRefused(_("文件含有宏（VBA），不予导入。请另存为不含宏的 .xlsx 后再导入。"))
        book = _calamine(content, "xls")
        book.warnings.append(_(".xls 格式每个工作表最多 65,536 行；数据更多时请使用 .xlsx。"))
        return book
    if lowered.endswith((".csv", ".txt")) or not _looks_binary(content):
        return _read_csv(content)
    raise FileRefused(_("无法识别的文件格式。请上传 .xlsx、.xls、.ods 或 .csv 文件。"))


def _looks_binary(content: bytes) -> bool:
    head = content[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head and _utf16_without_bom(head) is None:
        return True
    return head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"MZ"))


def _read_zip(content: bytes, lowered: str) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileRefused(_("文件已损坏，无法打开（不是有效的压缩包）。")) from exc
    if len(members) > _limit("IMPORT_MAX_ZIP_MEMBERS", 2000):
        raise FileRefused(_("文件内部结构异常（压缩包成员过多），不予导入。"))
    total = sum(member.file_size for member in members)
    if total > _limit("IMPORT_MAX_UNCOMPRESSED", 400 * 1024 * 1024):
        raise FileRefused(_("文件解压后过大（%(size)d MB），疑似压缩炸弹，不予导入。") % {"size": total // 1048576})
    ratio_cap = _limit("IMPORT_MAX_ZIP_RATIO", 200)
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ratio_cap * max(member.compress_size, 1):
            raise FileRefused(
                _("文件内“%(name)s”压缩比异常（%(ratio)d 倍），疑似压缩炸弹，不予导入。")
                % {"name": member.filename, "ratio": member.file_size // max(member.compress_size, 1)}
            )
    names = {member.filename for member in members}
    lowered_names = {name.lower() for name in names}
    if "xl/workbook.xml" in names:
        file_format = "xlsx"
    elif "mimetype" in names and _member_head(archive, "mimetype").startswith(
        b"application/vnd.oasis.opendocument.spreadsheet"
    ):
        file_format = "ods"
    elif "xl/workbook.bin" in lowered_names:
        raise FileRefused(_("不支持 .xlsb 二进制工作簿，请另存为 .xlsx 后再导入。"))
    else:
        raise FileRefused(_("无法识别的文件格式。请上传 .xlsx、.xls、.ods 或 .csv 文件。"))
    content_types = _member_head(archive, "[Content_Types].xml", 1 << 20) if "[Content_Types].xml" in names else b""
    if (
        any(name.endswith("vbaproject.bin") or name.startswith(("basic/", "scripts/")) for name in lowered_names)
        or b"macroenabled" in content_types.lower()
        or lowered.endswith((".xlsm", ".xltm"))
    ):
        raise FileRefused(_("文件含有宏（VBA），不予导入。请另存为不含宏的 .xlsx 后再导入。"))
    from .extent import Limits, ods_extent, xlsx_extent

    limits = Limits(
        rows=max_rows() + 100,
        cells=_limit("IMPORT_MAX_CELLS", 5_000_000),
        merged_cells=_limit("IMPORT_MAX_MERGED_CELLS", 100_000),
    )
    # Measured before calamine allocates anything: its verdict comes first.
    extents = xlsx_extent(archive, limits) if file_format == "xlsx" else ods_extent(archive, limits)
    book = _calamine(content, file_format)
    for sheet in book.sheets:
        extent = extents.get(sheet.name)
        if extent is not None:
            sheet.hidden_rows = sorted(extent.hidden_rows)
            sheet.hidden_columns = sorted(extent.hidden_columns)
    return book


def _member_head(archive: zipfile.ZipFile, name: str, size: int = 200) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
        raise FileRefused(_("文件已损坏，无法解压“%(part)s”。") % {"part": name}) from exc


def _calamine(content: bytes, file_format: str) -> Workbook:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets, hidden = [], []
        for meta in workbook.sheets_metadata:
            if str(meta.visible).endswith("Hidden") or str(meta.visible).endswith("VeryHidden"):
                hidden.append(meta.name)
                continue
            if not str(meta.typ).endswith("WorkSheet"):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.total_height > max_rows() + 100:
                raise FileRefused(
                    _("工作表“%(sheet)s”行数超过上限 %(limit)d 行（共 %(rows)d 行）。")
                    % {"sheet": meta.name, "rows": sheet.total_height, "limit": max_rows()}
                )
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            sheets.append(Sheet(name=meta.name, rows=sheet.to_python(skip_empty_area=False), merged=merged))
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own error types for every damaged file
        raise FileRefused(_("文件已损坏或格式不受支持，无法读取：%(error)s") % {"error": str(exc)[:200]}) from exc
    warnings = [_("隐藏的工作表“%(sheet)s”未读取。") % {"sheet": name} for name in hidden]
    return Workbook(file_format=file_format, sheets=sheets, warnings=warnings)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL in every other byte of its ASCII characters."""
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) // 8 and even == 0:
        return "utf-16-le"
    if even > len(head) // 8 and odd == 0:
        return "utf-16-be"
    return None


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding name) for a CSV: BOMs first, then strict UTF-8, then GB18030 (the
    superset of GBK that Chinese Excel writes)."""
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16LE"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16BE"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), name
            except UnicodeDecodeError as exc:
                raise FileRefused(_("文件编码声明为 %(name)s，但内容无法按其解码。") % {"name": name}) from exc
    guessed = _utf16_without_bom(content[:4096])
    candidates = [(guessed, guessed.upper())] if guessed else []
    candidates += [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for encoding, name in candidates:
        try:
            return content.decode(encoding), name
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("无法识别文本编码。请另存为 UTF-8 或 GBK 编码的 CSV 文件。"))


def _read_csv(content: bytes) -> Workbook:
    text, encoding = decode_text(content)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileRefused(_("文本第 %(line)d 行含有空字符（NUL），不是有效的 CSV 文件。") % {"line": line})
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for index, row in enumerate(reader):
            if index > max_rows() + 100:
                raise FileRefused(_("行数超过上限 %(limit)d 行。") % {"limit": max_rows()})
            if len(row) > 702:
                raise FileRefused(_("第 %(line)d 行数据超出 ZZ 列，范围异常，不予导入。") % {"line": reader.line_num})
            rows.append(row)
    except csv.Error as exc:
        # A field over the csv module's limit (131,072 characters), an unclosed quote …
        raise FileRefused(
            _("CSV 第 %(line)d 行无法读取（%(error)s）：单个单元格过长或引号不配对。")
            % {"line": reader.line_num, "error": str(exc)[:80]}
        ) from exc
    return Workbook(file_format="csv", sheets=[Sheet(name="CSV", rows=rows)], encoding=encoding)


def control_character(text: str) -> bool:
    return bool(_CONTROL.search(text))
