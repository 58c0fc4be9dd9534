"""Reading produced files back in tests: values through python-calamine (what the importer
uses), structure (merges, protection, validations, panes, print setup) from the sheet XML."""

import csv
import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@dataclass
class SheetXml:
    sheet: ElementTree.Element
    workbook: ElementTree.Element
    raw: str

    def all(self, path: str) -> list[ElementTree.Element]:
        return self.sheet.findall(path, NS)

    def one(self, path: str) -> ElementTree.Element | None:
        return self.sheet.find(path, NS)

    @property
    def merges(self) -> set[str]:
        return {cell.get("ref") for cell in self.all("m:mergeCells/m:mergeCell")}

    def formula(self, ref: str) -> tuple[str, str] | None:
        cell = self.one(f"m:sheetData/m:row/m:c[@r='{ref}']")
        if cell is None or cell.find("m:f", NS) is None:
            return None
        return cell.find("m:f", NS).text, cell.find("m:v", NS).text or ""

    @property
    def defined_names(self) -> dict[str, str]:
        return {item.get("name"): item.text for item in self.workbook.findall("m:definedNames/m:definedName", NS)}


def sheet_xml(content: bytes) -> SheetXml:
    archive = zipfile.ZipFile(io.BytesIO(content))
    raw = archive.read("xl/worksheets/sheet1.xml").decode()
    return SheetXml(
        sheet=ElementTree.fromstring(raw),
        workbook=ElementTree.fromstring(archive.read("xl/workbook.xml")),
        raw=raw,
    )
