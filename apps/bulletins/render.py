"""A bulletin's files from its snapshot: the .docx (GB/T 9704, through apps.documents), the
.xlsx of its tables in the offices' layout (apps.exports writers) and the charts; a PDF
when LibreOffice is installed."""

import datetime
import io
from decimal import Decimal

from apps.documents import charts
from apps.documents.gbt9704 import OfficialDocument
from apps.exports.writers import COUNT, MONEY, PERCENT, TEXT, Column, Table, write_xlsx_book

from .content import BulletinContent, bulletin_content

NO_FONT_NOTE = "（本机未安装中文字体，图表从略；安装 fonts-noto-cjk 后重新生成即有图表。）"


def issuer_name(snapshot: dict) -> str:
    return f"{snapshot['region']['name']}发展和改革委员会"


def number_prefix(snapshot: dict) -> str:
    return f"{snapshot['region']['name']}发改通"


def _floats(values):
    return [None if value is None else float(Decimal(value)) for value in values]


def bulletin_charts(snapshot: dict) -> dict[str, bytes]:
    """key → PNG; empty without a CJK font (the document then says why)."""
    if not charts.charts_available():
        return {}
    result = {}
    months = snapshot["by_month"]
    if months:
        result["by_month"] = charts.bar_line_chart(
            title="累计完成投资占年度计划比例与时序进度",
            labels=[row["label"] for row in months],
            bars=_floats(row["plan_share"] for row in months),
            bar_label="占年度计划（%）",
            line=_floats(row["time_share"] for row in months),
            line_label="时序进度（%）",
            unit="%",
        )
    counties = snapshot["by_county"]
    if counties:
        time_share = snapshot["figures"]["time_elapsed_share"]["value"]
        result["by_county"] = charts.bar_line_chart(
            title="各县（市、区）完成投资占年度计划比例",
            labels=[row["name"] for row in counties],
            bars=_floats(row.get("plan_completion_rate") for row in counties),
            bar_label="占年度计划（%）",
            line=_floats([time_share] * len(counties)),
            line_label="时序进度（%）",
            unit="%",
        )
    return {key: png for key, png in result.items() if png}


def bulletin_docx(
    snapshot: dict,
    *,
    requirements: str,
    reference: str = "",
    signed_on: datetime.date | None = None,
    chart_images: dict[str, bytes] | None = None,
) -> bytes:
    content = bulletin_content(snapshot, requirements=requirements)
    images = bulletin_charts(snapshot) if chart_images is None else chart_images
    day = signed_on or datetime.date.fromisoformat(snapshot["drafted_on"])
    year = snapshot["period"]["year"]
    document = OfficialDocument(
        title=content.title,
        issuer=issuer_name(snapshot),
        # A draft has no number yet: the blank is left for the one given at 签发.
        number=reference or f"{number_prefix(snapshot)}〔{year}〕　号",
        addressee=content.addressee,
        created=day,
    )
    counters = [0]
    note_said = False
    for block in content.blocks:
        if block.kind == "heading":
            document.heading(block.text, block.level)
        elif block.kind == "para":
            document.paragraph(block.text)
        elif block.kind == "chart":
            if block.text in images:
                counters[0] += 1
                document.image(images[block.text], width_mm=150, caption=f"图{counters[0]}")
            elif not images and not note_said and not charts.charts_available():
                document.paragraph(NO_FONT_NOTE)
                note_said = True
    document.attachment_notes([table.name for table in content.attachments])
    document.signature(issuer_name(snapshot), day)
    for table in content.attachments:
        document.attachment(table.name, table.headers, table.rows, total_row=table.total_row)
    document.colophon(
        copy_to=_copy_to(snapshot),
        printer=f"{issuer_name(snapshot)}办公室",
        printed_on=day,
    )
    return document.to_bytes()


def _copy_to(snapshot: dict) -> list[str]:
    name = snapshot["region"]["name"]
    return [f"{name}委办公室", f"{name}人大常委会办公室", f"{name}政府办公室", f"{name}政协办公室"]


def _column_kind(header: str, values: list) -> str:
    if "（%）" in header or "百分点" in header:
        return PERCENT
    if "亿元" in header or "万元" in header:
        return MONEY
    if header in ("序号", "项目个数", "位次") and all(isinstance(v, int) or v in ("", "—", None) for v in values):
        return COUNT
    return TEXT


def bulletin_xlsx(snapshot: dict, *, requirements: str, chart_images: dict[str, bytes] | None = None) -> bytes:
    """One sheet per attachment table, in the official layout (title, unit line, header,
    合计), and a sheet of the charts."""
    content: BulletinContent = bulletin_content(snapshot, requirements=requirements)
    stamp = datetime.datetime.fromisoformat(snapshot["drafted_on"])
    tables = []
    for attachment in content.attachments:
        columns = []
        for index, header in enumerate(attachment.headers):
            key = (
                "name"
                if header in ("项目名称", "县（市、区）") and not any(c.key == "name" for c in columns)
                else f"c{index}"
            )
            kind = _column_kind(header, [row[index] for row in attachment.rows])
            columns.append(Column(label=header, key=key, kind=kind, width=28 if key == "name" else 12))
        # The 合计 row is the snapshot's (a sum of rounded figures could differ by a cent).
        rows = attachment.rows
        records = [
            {column.key: (None if value in ("—", "") else value) for column, value in zip(columns, row, strict=True)}
            for row in rows
        ]
        tables.append(
            Table(
                title=f"{content.title[2:-3] if content.title.startswith('关于') else content.title}——{attachment.name}",
                sheet_name=attachment.name[:31],
                columns=columns,
                rows=records,
                exported_at=stamp,
                totals=False,
            )
        )
    images = bulletin_charts(snapshot) if chart_images is None else chart_images
    output = io.BytesIO()
    write_xlsx_book(tables, output, images=list(images.values()), created=stamp)
    return output.getvalue()
