"""Import pages: upload, preview (with progress), confirm, undo. Reads through selectors,
writes through services; the slow part runs off the request (runner)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from apps.core.middleware import client_ip
from apps.exports.lists import list_export_response

from . import runner, selectors, services
from .exports import BATCHES
from .forms import ImportForm
from .models import BatchStatus
from .uploads import upload_refusal

PREVIEW_PAGE = 100


def _kinds(request) -> list[str]:
    kinds = selectors.import_kinds_for(user=request.user)
    if not kinds:
        raise PermissionDenied(_("您的角色不能导入数据。"))
    return kinds


@login_required
def batch_list(request):
    kinds = selectors.import_kinds_for(user=request.user)
    form = None
    if kinds:
        # A page's import link names its kind (?kind=leads from the lead list): chosen already.
        asked = request.GET.get("kind")
        initial = {"kind": asked} if asked in kinds else None
        form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    if request.method == "POST":
        _kinds(request)
        refusal = upload_refusal(request)  # over the size cap while streaming: the file was not kept
        if refusal:
            messages.error(request, refusal)
            return redirect("imports:list")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            batch = services.import_batch_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
                parameters=form.parameters(),
            )
            runner.run(batch.pk, "preview", actor=request.user, client_ip=client_ip(request))
            return redirect("imports:detail", batch.pk)
    page = Paginator(selectors.import_batch_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"form": form, "page": page})


@login_required
def batch_export(request, fmt: str):
    return list_export_response(request, fmt, queryset=selectors.import_batch_list(user=request.user), layout=BATCHES)


@login_required
def batch_detail(request, pk: int):
    batch = selectors.import_batch_get(user=request.user, batch_id=pk)
    rows = Paginator(batch.preview, PREVIEW_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/detail.html",
        {"batch": batch, "rows": rows, "progress": runner.progress_get(batch.pk), "working": _working(batch)},
    )


_working = runner.working


@login_required
def batch_progress(request, pk: int):
    batch = selectors.import_batch_get(user=request.user, batch_id=pk)
    if not _working(batch):
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", {"batch": batch, "progress": runner.progress_get(batch.pk)})


@login_required
@require_POST
def batch_commit(request, pk: int):
    batch = selectors.import_batch_get(user=request.user, batch_id=pk)
    if request.POST.get("confirm") == "1":
        # The preview's "I have checked the values" box: it travels with the batch to the job.
        services.import_batch_confirm(actor=request.user, batch_id=batch.pk)
    runner.run(batch.pk, "commit", actor=request.user, client_ip=client_ip(request))
    batch.refresh_from_db()
    if batch.status == BatchStatus.COMMITTED:
        messages.success(
            request,
            _("已导入：新增 %(new)d 行，修改 %(changed)d 行。")
            % {"new": batch.rows_new, "changed": batch.rows_changed},
        )
    elif batch.message and not runner.progress_get(batch.pk):
        messages.error(request, batch.message)
    return redirect("imports:detail", batch.pk)


@login_required
@require_POST
def batch_undo(request, pk: int):
    batch = selectors.import_batch_get(user=request.user, batch_id=pk)
    try:
        services.import_batch_undo(actor=request.user, batch_id=batch.pk)
        messages.success(request, _("已撤销该批次导入的全部数据。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:detail", batch.pk)


@login_required
def batch_file(request, pk: int):
    batch = selectors.import_batch_get(user=request.user, batch_id=pk)
    if not batch.content:  # a refused file is not kept
        raise Http404
    response = HttpResponse(bytes(batch.content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=batch.file_name)
    return response
