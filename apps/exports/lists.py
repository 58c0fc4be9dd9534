"""Every list page as .xlsx/.csv through one mechanism: the view hands the queryset its page
shows (the list's FilterSet over the acting user's scope, without paging) and the list's
layout (title, columns, one row per object); `services.list_export` writes the official
layout (title, export time, frozen header, totals) and records the export."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils import translation

from . import services
from .models import ExportFormat, ExportKind
from .writers import SEQ, TEXT, Column


@dataclass(frozen=True)
class ListLayout:
    title: str  # Chinese: files are official documents whatever the UI language
    columns: Callable[[], list[Column]]
    row: Callable[[object], dict]  # column key → value; 序号 is numbered by the writer
    kind: str = ExportKind.LIST  # what the export record says was exported
    sheet_name: str = ""  # the title when empty


def list_export_response(request, fmt: str, *, queryset: Iterable, layout: ListLayout) -> HttpResponse:
    from .views import file_response

    if fmt not in ExportFormat.values:
        raise Http404
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = fmt
    objects = queryset.iterator(chunk_size=500) if hasattr(queryset, "iterator") else queryset
    with translation.override("zh-hans"):
        export = services.list_export(
            actor=request.user,
            title=layout.title,
            columns=layout.columns(),
            rows=(layout.row(item) for item in objects),
            params=params,
            sheet_name=layout.sheet_name,
            kind=layout.kind,
        )
    return file_response(export)


def filtered_list_export_response(request, *, filterset, layout: ListLayout, back: str, prepare=None) -> HttpResponse:
    """A list exported from its page's link `?…&format=xlsx|csv`: the page's FilterSet
    (`filterset(user=, params=)`) over the user's scope, `prepare`d (annotations); a bad format
    or bad filters go back to the page `back` with the reason, nothing exported."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    fmt = request.GET.get("format") or ExportFormat.XLSX
    if fmt not in ExportFormat.values:
        messages.error(request, _("导出格式应为 xlsx 或 csv。"))
        return redirect(back)
    filters = filterset(user=request.user, params=request.GET)
    if not filters.is_valid():
        messages.error(request, " ".join(str(m) for errors in filters.errors.values() for m in errors))
        return redirect(back)
    queryset = prepare(filters.qs) if prepare else filters.qs
    return list_export_response(request, fmt, queryset=queryset, layout=layout)


def yes_no(value) -> str:
    return "是" if value else ""


def numbered(*columns: Column) -> list[Column]:
    """序号 (numbered by the writer) then `columns`."""
    return [Column("序号", "seq", SEQ, 6), *columns]


# A project's own columns, for lists whose rows belong to one project (problems, approval items).
PROJECT_COLUMNS = (
    Column("县区", "region", TEXT, 10),
    Column("项目名称", "project", TEXT, 30),
    Column("项目代码", "code", TEXT, 24),
)


def project_cells(project) -> dict:
    return {"region": project.region.name, "project": project.name, "code": project.project_code or ""}
