"""The real extent of a workbook, measured by a streaming XML pass BEFORE calamine runs.

calamine builds a dense grid of each sheet's used range, so one cell at XFD1048576 asks
for billions of cells, and an .ods row with `number-rows-repeated` multiplies as it is
read. This pass walks every XML part of the archive once, as a stream (nothing is built),
and refuses:

- a DOCTYPE or entity declaration anywhere in any part (whatever its encoding: the XML
  parser reports it, as defusedxml's `forbid_dtd` does), and malformed XML;
- rows beyond the row cap, columns beyond ZZ, a used area beyond the cell cap, counting
  cells without an `r=` attribute by their position and ODS repeated rows and columns by
  their repeat counts; a `<dimension>` that claims more (calamine sizes buffers from it);
- merged ranges beyond the merged-cell cap;
- a formula without a cached value (the cell is named: nothing could be read from it).

It also records what the preview must show: hidden rows and columns of each sheet.
pyexpat is driven directly (element handlers only) because the pass sees every cell of
a 50,000-row sheet and must cost a fraction of reading it.
"""

import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from xml.parsers import expat

from .reading import FileRefused, column_letter
from .translate import gettext as _

CHUNK = 1 << 16
MAX_COLUMNS = 702  # ZZ: no plan sheet is wider, and it is how range bombs start
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_TRUE = ("1", "true")


@dataclass
class Limits:
    rows: int
    cells: int
    merged_cells: int
    columns: int = MAX_COLUMNS


@dataclass
class SheetExtent:
    name: str
    rows: int = 0
    columns: int = 0
    hidden_rows: set[int] = field(default_factory=set)  # 0-based
    hidden_columns: set[int] = field(default_factory=set)  # 0-based


class _Stop(FileRefused):
    """Raised inside a handler (or after a part is measured): the refusal message travels in it."""


def _local(name: str) -> str:
    # Namespace processing gives "uri local"; the local name is what matters.
    return name.rpartition(" ")[2]


def _split_ref(ref: str) -> tuple[int, int] | None:
    """ "B3" → (row 3, column 2), both 1-based."""
    match = _REF.match(ref)
    if not match:
        return None
    letters, digits = match.groups()
    column = 0
    for char in letters.upper():
        column = column * 26 + (ord(char) - 64)
    return int(digits), column


def _parser(start=None, end=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")

    def forbidden(*_args):
        raise _Stop(_("文件包含 XML 实体声明（DOCTYPE/ENTITY），存在安全风险，不予导入。"))

    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.UnparsedEntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    return parser


def _feed(archive: zipfile.ZipFile, member: zipfile.ZipInfo, parser, on_chunk=None) -> None:
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                if on_chunk is not None:
                    on_chunk(chunk)
            parser.Parse(b"", True)
    except _Stop as exc:
        raise FileRefused(str(exc)) from None
    except expat.ExpatError as exc:
        raise FileRefused(
            _("文件内部“%(part)s”不是有效的 XML（%(error)s），文件已损坏。")
            % {"part": member.filename[:80], "error": expat.errors.messages.get(exc.code, str(exc.code))}
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise FileRefused(
            _("文件已损坏，无法解压“%(part)s”（%(error)s）。") % {"part": member.filename[:80], "error": str(exc)[:100]}
        ) from None


def _too_many_rows(sheet: str, row: int, limits: Limits) -> _Stop:
    return _Stop(
        _("工作表“%(sheet)s”：行数超过上限 %(limit)d 行（第 %(row)d 行有数据）。")
        % {"sheet": sheet, "limit": limits.rows, "row": row}
    )


def _too_wide(sheet: str, column: int) -> _Stop:
    return _Stop(
        _("工作表“%(sheet)s”：数据超出 ZZ 列（第 %(column)d 列），范围异常，不予导入。")
        % {"sheet": sheet, "column": column}
    )


def _check_area(sheet: str, rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.rows:
        raise _too_many_rows(sheet, rows, limits)
    if columns > limits.columns:
        raise _too_wide(sheet, columns)
    if rows * columns > limits.cells:
        raise _Stop(
            _("工作表“%(sheet)s”：数据范围 %(rows)d 行 × %(columns)d 列超过上限 %(limit)d 个单元格。")
            % {"sheet": sheet, "rows": rows, "columns": columns, "limit": limits.cells}
        )


def _add_merged(sheet: str, count: int, area: int, ref: str, limits: Limits) -> int:
    count += area
    if count > limits.merged_cells:
        raise _Stop(
            _("工作表“%(sheet)s”：合并单元格范围过大（%(ref)s），不予导入。") % {"sheet": sheet, "ref": ref[:40]}
        )
    return count


# --- .xlsx -------------------------------------------------------------------------


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Sheet part path → (sheet name, visibility), from workbook.xml and its relationships."""
    rels: dict[str, str] = {}
    sheets: list[tuple[str, str, str]] = []

    def rel_start(name, attrs):
        if _local(name) == "Relationship":
            rels[attrs.get("Id", "")] = attrs.get("Target", "")

    def book_start(name, attrs):
        if _local(name) == "sheet":
            rel_id = next((value for key, value in attrs.items() if _local(key) == "id"), "")
            sheets.append((attrs.get("name", ""), rel_id, attrs.get("state", "visible")))

    names = set(archive.namelist())
    if "xl/_rels/workbook.xml.rels" in names:
        _feed(archive, archive.getinfo("xl/_rels/workbook.xml.rels"), _parser(rel_start))
    _feed(archive, archive.getinfo("xl/workbook.xml"), _parser(book_start))
    parts = {}
    for name, rel_id, state in sheets:
        target = rels.get(rel_id, "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[path] = (name, state)
    return parts


def _xlsx_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limits: Limits) -> SheetExtent:
    """The fast count when it is provably exact, else the exact pass (the XML parser, which
    also refuses any DTD). The fast count reads the raw bytes alone: it gives up on anything
    it cannot see plainly (another encoding, a NUL byte, a markup declaration `<!` other than
    a comment or CDATA, an element start it does not recognise, a formula)."""
    fast = _FastCount(name, limits)
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                fast.feed(chunk)
                if not fast.usable:
                    break
    except _Stop as exc:
        raise FileRefused(str(exc)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise FileRefused(
            _("文件已损坏，无法解压“%(part)s”（%(error)s）。") % {"part": member.filename[:80], "error": str(exc)[:100]}
        ) from None
    try:
        extent = fast.finish()
    except _Stop as exc:
        raise FileRefused(str(exc)) from None
    if extent is None:
        extent = _xlsx_sheet_exact(archive, member, name, limits)
    _check_area(name, extent.rows, extent.columns, limits)
    return extent


# Element starts as the XML parser sees them (any prefix), and the plain forms the fast
# count reads (`r` first, as Excel, WPS, LibreOffice and XlsxWriter write it). A tag never
# contains "<", so chunks are cut before the last one.
_ANY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|col|f|mergeCell)[\s/>]")
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[\s/>]')
_PLAIN_ROW = re.compile(rb'<row r="([0-9]{1,7})"([^<>]*)>')
_ATTRS = rb"""((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*/?>"""
_PLAIN = {tag: re.compile(b"<" + tag + _ATTRS) for tag in (b"col", b"mergeCell")}
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')""")
_DIMENSION = re.compile(rb'<dimension\s+ref\s*=\s*"([^"<]*)"')
_DECLARATION = re.compile(rb"""^<\?xml[^?]*?encoding\s*=\s*["']([^"']+)["']""")
_PLAIN_START = re.compile(rb"^(?:<\?xml[^?<>]*\?>\s*)?<[A-Za-z_]")


def _only_plain_markup(body: bytes, start: int) -> bool:
    """No markup only a real XML parser may judge: a declaration `<!` (DOCTYPE, ENTITY …) other
    than a comment or CDATA, a processing instruction after the prolog, a NUL byte (UTF-16
    without a BOM looks like "<\0?\0x"). Plain byte searches: a regex alternation here
    cost as much as all the counting."""
    if b"\x00" in body or body.find(b"<?", start) >= 0:
        return False
    found = body.find(b"<!")
    while found >= 0:
        if not (body.startswith(b"<!--", found) or body.startswith(b"<![CDATA[", found)):
            return False
        found = body.find(b"<!", found + 2)
    return True


def _attributes(text: bytes) -> dict[str, str]:
    return {key.decode(): (a or b).decode() for key, a, b in _ATTR.findall(text)}


class _FastCount:
    """The extent from the raw bytes of a plain UTF-8 sheet, at C speed: exact only when every
    cell and row the parser will see carries a plain `r=` (the counts of any-prefix element
    starts and of plain ones agree) and there is no formula; otherwise `finish` says None
    and the parser-driven pass runs."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits = name, limits
        self.carry, self.first, self.head = b"", True, False
        self.usable = True
        self.extent = SheetExtent(name=name)
        self.counts = Counter()
        self.plain = {b"c": 0, b"row": 0, b"col": 0, b"mergeCell": 0}
        self.columns: set[bytes] = set()
        self.merged = 0

    def feed(self, chunk: bytes) -> None:
        if not self.usable:
            return
        data = self.carry + chunk
        if self.first:
            self.first = False
            data = data.removeprefix(b"\xef\xbb\xbf")
            declared = _DECLARATION.match(data)
            if not _PLAIN_START.match(data) or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8")):
                self.usable = False  # another encoding: the byte patterns would not see its tags
                return
            self.head = True
        cut = data.rfind(b"<")
        if cut <= 0:
            self.carry = data
            return
        self.carry = data[cut:]
        self._scan(data[:cut])

    def _scan(self, body: bytes) -> None:
        # The prolog's own "<?xml" is the part's first bytes: skipped once.
        if not _only_plain_markup(body, 1 if self.head else 0):
            self.usable = False
            return
        self.head = False
        self.counts.update(_ANY.findall(body))
        if self.counts[b"f"]:
            self.usable = False
            return
        refs = _PLAIN_CELL.findall(body)
        self.plain[b"c"] += len(refs)
        if refs:
            letters, digits = zip(*refs, strict=True)
            self.columns.update(letters)
            top = max(map(int, digits))
            if top > self.limits.rows:
                raise _too_many_rows(self.name, top, self.limits)
            self.extent.rows = max(self.extent.rows, top)
        for row, attrs in _PLAIN_ROW.findall(body):
            self.plain[b"row"] += 1
            if int(row) > self.limits.rows:
                raise _too_many_rows(self.name, int(row), self.limits)
            if b"hidden" in attrs and _attributes(attrs).get("hidden") in _TRUE:
                self.extent.hidden_rows.add(int(row) - 1)
        for attrs in _PLAIN[b"col"].findall(body) if b"<col" in body else ():
            self.plain[b"col"] += 1
            values = _attributes(attrs)
            low, high = values.get("min", "0"), values.get("max", "0")
            if values.get("hidden") in _TRUE and low.isdigit() and high.isdigit():
                self.extent.hidden_columns.update(range(int(low) - 1, min(int(high), self.limits.columns + 1)))
        for attrs in _PLAIN[b"mergeCell"].findall(body) if b"<mergeCell" in body else ():
            self.plain[b"mergeCell"] += 1
            ref = _attributes(attrs).get("ref", "")
            first, _sep, last = ref.partition(":")
            a, b = _split_ref(first), _split_ref(last or first)
            if not a or not b:
                raise _Stop(
                    _("工作表“%(sheet)s”：合并单元格引用“%(ref)s”无效。") % {"sheet": self.name, "ref": ref[:40]}
                )
            area = (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)
            self.merged = _add_merged(self.name, self.merged, area, ref, self.limits)
            _check_area(self.name, max(a[0], b[0]), max(a[1], b[1]), self.limits)
        for ref in _DIMENSION.findall(body) if b"<dimension" in body else ():
            last = _split_ref(ref.decode().partition(":")[2] or ref.decode())
            if last:
                _check_area(self.name, *last, self.limits)

    def finish(self) -> SheetExtent | None:
        if self.usable and self.carry:
            self._scan(self.carry)
        if not self.usable or any(self.counts[tag] != self.plain[tag] for tag in self.plain):
            return None
        for letters in self.columns:
            column = _split_ref(letters.decode() + "1")[1]
            if column > self.limits.columns:
                raise _too_wide(self.name, column)
            self.extent.columns = max(self.extent.columns, column)
        return self.extent


def _xlsx_sheet_exact(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limits: Limits) -> SheetExtent:
    extent = SheetExtent(name=name)
    state = {"row": 0, "col": 0, "cell": None, "formula": False, "value": False, "merged": 0}

    def start(tag, attrs):
        tag = _local(tag)
        if tag == "c":
            ref = attrs.get("r")
            position = _split_ref(ref) if ref else None
            if position:
                row, col = position
            else:
                # A cell without r= sits right after the previous one: count it there.
                row, col = max(state["row"], 1), state["col"] + 1
            state["row"], state["col"] = row, col
            if row > limits.rows:
                raise _too_many_rows(name, row, limits)
            if col > limits.columns:
                raise _too_wide(name, col)
            if row > extent.rows:
                extent.rows = row
            if col > extent.columns:
                extent.columns = col
            state["cell"], state["formula"], state["value"] = (row, col), False, False
        elif tag == "v" or tag == "is":
            state["value"] = True
        elif tag == "f":
            state["formula"] = True
        elif tag == "row":
            ref = attrs.get("r")
            row = int(ref) if ref and ref.isdigit() else state["row"] + 1
            if row > limits.rows:
                raise _too_many_rows(name, row, limits)
            state["row"], state["col"] = row, 0
            if attrs.get("hidden") in _TRUE:
                extent.hidden_rows.add(row - 1)
        elif tag == "col":
            low, high = attrs.get("min", "0"), attrs.get("max", "0")
            if attrs.get("hidden") in _TRUE and low.isdigit() and high.isdigit():
                first, last = int(low), min(int(high), limits.columns + 1)
                extent.hidden_columns.update(range(first - 1, last))
        elif tag == "mergeCell":
            ref = attrs.get("ref", "")
            first, _sep, last = ref.partition(":")
            a, b = _split_ref(first), _split_ref(last or first)
            if not a or not b:
                raise _Stop(_("工作表“%(sheet)s”：合并单元格引用“%(ref)s”无效。") % {"sheet": name, "ref": ref[:40]})
            area = (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)
            state["merged"] = _add_merged(name, state["merged"], area, ref, limits)
            _check_area(name, max(a[0], b[0]), max(a[1], b[1]), limits)
        elif tag == "dimension":
            ref = attrs.get("ref", "")
            last = _split_ref(ref.partition(":")[2] or ref)
            if last:
                _check_area(name, *last, limits)

    def end(tag):
        if state["cell"] is not None and _local(tag) == "c":
            if state["formula"] and not state["value"]:
                row, col = state["cell"]
                raise _Stop(
                    _("工作表“%(sheet)s”：单元格 %(cell)s 是没有计算结果的公式，请在 Excel/WPS 中打开并保存后再导入。")
                    % {"sheet": name, "cell": f"{column_letter(col - 1)}{row}"}
                )
            state["cell"] = None

    _feed(archive, member, _parser(start, end))
    return extent


def xlsx_extent(archive: zipfile.ZipFile, limits: Limits) -> dict[str, SheetExtent]:
    """Every XML part checked; each worksheet measured. Keyed by sheet name."""
    parts = xlsx_sheet_parts(archive)
    extents = {}
    for member in archive.infolist():
        if member.filename in parts:
            name, _state = parts[member.filename]
            extents[name] = _xlsx_sheet(archive, member, name, limits)
        elif member.filename.lower().endswith((".xml", ".rels", ".vml")):
            # Measured like a sheet too: a worksheet reached by an unusual relationship
            # path must not escape the count.
            _xlsx_sheet(archive, member, member.filename[:60], limits)
    return extents


# --- .ods --------------------------------------------------------------------------


def _repeat(attrs: dict, local_name: str) -> int:
    for key, value in attrs.items():
        if _local(key) == local_name:
            return int(value) if value.isdigit() else 1
    return 1


def _attr(attrs: dict, local_name: str) -> str | None:
    return next((value for key, value in attrs.items() if _local(key) == local_name), None)


def ods_extent(archive: zipfile.ZipFile, limits: Limits) -> dict[str, SheetExtent]:
    extents: dict[str, SheetExtent] = {}
    state = {"sheet": None, "row": 0, "row_repeat": 1, "row_content": False, "col": 0, "cell": None, "merged": 0}
    state["column_cursor"] = 0

    def start(tag, attrs):
        tag = _local(tag)
        sheet = state["sheet"]
        if tag == "table":
            sheet = SheetExtent(name=_attr(attrs, "name") or f"Sheet{len(extents) + 1}")
            extents[sheet.name] = sheet
            state.update(sheet=sheet, row=0, merged=0, column_cursor=0, cell=None)
        elif sheet is None:
            return
        elif tag == "table-row":
            state["row_repeat"] = _repeat(attrs, "number-rows-repeated")
            state["row_content"], state["col"] = False, 0
            if _attr(attrs, "visibility") in ("collapse", "filter"):
                first = state["row"]
                sheet.hidden_rows.update(range(first, min(first + state["row_repeat"], limits.rows + 1)))
        elif tag == "table-column":
            repeat = _repeat(attrs, "number-columns-repeated")
            first = state["column_cursor"]
            if _attr(attrs, "visibility") in ("collapse", "filter"):
                sheet.hidden_columns.update(range(first, min(first + repeat, limits.columns + 1)))
            state["column_cursor"] = first + repeat
        elif tag in ("table-cell", "covered-table-cell"):
            repeat = _repeat(attrs, "number-columns-repeated")
            filled = _attr(attrs, "value-type") is not None
            if _attr(attrs, "formula") is not None and not filled:
                raise _Stop(
                    _(
                        "工作表“%(sheet)s”：单元格 %(cell)s 是没有计算结果的公式，请在 LibreOffice/WPS 中打开并保存后再导入。"
                    )
                    % {"sheet": sheet.name, "cell": f"{column_letter(state['col'])}{state['row'] + 1}"}
                )
            spanned_rows = _repeat(attrs, "number-rows-spanned")
            spanned_cols = _repeat(attrs, "number-columns-spanned")
            if spanned_rows > 1 or spanned_cols > 1:
                ref = f"{column_letter(state['col'])}{state['row'] + 1}"
                _check_area(sheet.name, state["row"] + spanned_rows, state["col"] + spanned_cols, limits)
                state["merged"] = _add_merged(sheet.name, state["merged"], spanned_rows * spanned_cols, ref, limits)
            state["cell"] = (state["col"], repeat, filled)
            state["col"] += repeat
        elif state["cell"] is not None:
            # Any element inside a cell (text:p …) means the cell has content.
            col, repeat, _filled = state["cell"]
            state["cell"] = (col, repeat, True)

    def end(tag):
        tag = _local(tag)
        sheet = state["sheet"]
        if sheet is None:
            return
        if tag in ("table-cell", "covered-table-cell") and state["cell"] is not None:
            col, repeat, filled = state["cell"]
            if filled:
                state["row_content"] = True
                sheet.columns = max(sheet.columns, col + repeat)
                if sheet.columns > limits.columns:
                    raise _too_wide(sheet.name, sheet.columns)
            state["cell"] = None
        elif tag == "table-row":
            state["row"] += state["row_repeat"]
            if state["row_content"]:
                # Repeated rows with content are as many rows as they say: calamine makes them all.
                sheet.rows = state["row"]
                _check_area(sheet.name, sheet.rows, max(sheet.columns, 1), limits)
        elif tag == "table":
            state["sheet"] = None

    for member in archive.infolist():
        if member.filename == "content.xml":
            _feed(archive, member, _parser(start, end))
        elif member.filename.lower().endswith((".xml", ".rdf")):
            _feed(archive, member, _parser())
    return extents
