"""Monthly reporting pages. Views declare and delegate: reads go through selectors,
writes through services. Out of scope: 404; in scope but not allowed: 403."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import ConcurrentEditError
from apps.core.pagination import page_by_ids
from apps.projects import selectors as project_selectors
from apps.projects.forms import apply_service_errors

from . import anomalies, photos, selectors, services
from .forms import DecisionForm, PeriodForm, ReportForm, ReturnForm, RevisionForm
from .models import REPORT_VERIFIER_ROLES, PeriodStatus, ReportStatus, RevisionStatus

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _posted_version(request) -> int:
    """The version the page was loaded at: required, or the last writer would win."""
    version = _int_or_none(request.POST.get("version"))
    if version is None:
        raise ValidationError({"version": [_("修改时必须提交编辑时加载的版本号。")]})
    return version


def _back(request, name: str, *args):
    """Back to the page the form came from (`next`, same host only), else to `name`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(name, *args)


# --- 我的月报 and the fill form ------------------------------------------------------


@login_required
def my_reports(request):
    if request.user.role not in services.REPORTER_ROLES:
        raise PermissionDenied(_("您的角色不填报月报。"))
    period = selectors.period_open_get(user=request.user)
    page = None
    if period is not None:
        page = Paginator(selectors.my_reports(user=request.user, period=period), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "reporting/mine.html", {"period": period, "page": page})


@login_required
def report_fill(request, project_id: int):
    project = project_selectors.project_get(user=request.user, pk=project_id, action="change")
    period = selectors.period_open_get(user=request.user)
    if period is None:
        messages.error(request, _("当前没有开启的填报期。"))
        return redirect("reporting:mine")
    report = selectors.report_for_period(user=request.user, project=project, year=period.year, month=period.month)
    if report is not None and report.is_locked:
        messages.info(request, _("该月报已审核锁定，如需修改请提交修改申请。"))
        return redirect("reporting:detail", pk=report.pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.report_fill(
                actor=request.user,
                project_id=project.pk,
                year=period.year,
                month=period.month,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("月报已报送。") if "submit" in request.POST else _("月报已保存。"))
            return redirect("reporting:detail", pk=saved.pk)
    context = {
        "project": project,
        "period": period,
        "report": report,
        "form": form,
        "previous": selectors.report_previous(user=request.user, project=project, year=period.year, month=period.month),
        "totals": selectors.totals_before(user=request.user, project=project, year=period.year, month=period.month),
    }
    return render(request, "reporting/fill.html", context)


# --- one report and its workflow ---------------------------------------------------


@login_required
def report_detail(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk)
    user = request.user
    revisions = list(selectors.revision_list(user=user, report=report))
    period = selectors.period_find(user=user, year=report.year, month=report.month)
    period_open = period is not None and period.status == PeriodStatus.OPEN
    can_change = selectors.report_can(user=user, report=report, action="change")
    can_verify = selectors.report_can(user=user, report=report, action="verify")
    pending = any(revision.status == RevisionStatus.PENDING for revision in revisions)
    context = {
        "report": report,
        "revisions": revisions,
        "period_open": period_open,
        "can_edit": can_change and not report.is_locked and period_open,
        "can_submit": can_change and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and period_open,
        "can_verify": can_verify and report.status == ReportStatus.SUBMITTED,
        "can_return": can_verify and report.status == ReportStatus.SUBMITTED and period_open,
        "can_revise": can_change and report.is_locked and not pending,
        "return_form": ReturnForm(initial={"version": report.version}),
        "photos": photos.photo_list(user=user, report=report),
        "can_add_photos": can_change and not report.is_locked,
    }
    return render(request, "reporting/detail.html", context)


# --- progress photos -------------------------------------------------------------


@login_required
@require_POST
def photo_add(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, action="change")
    files = request.FILES.getlist("photos")
    if not files:
        messages.error(request, _("请选择照片。"))
        return redirect("reporting:detail", pk=report.pk)
    try:
        with transaction.atomic():  # all photos of one upload or none
            for upload in files:
                photos.report_photo_add(
                    actor=request.user,
                    report_id=report.pk,
                    name=upload.name,
                    data=upload.read(photos.MAX_BYTES + 1),
                    caption=request.POST.get("caption", ""),
                )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("已上传 %(n)s 张照片。") % {"n": len(files)})
    return redirect(reverse("reporting:detail", args=[report.pk]) + "#photos")


@login_required
def photo(request, pk: int, thumbnail: bool = False):
    data = photos.photo_bytes(user=request.user, pk=pk, thumbnail=thumbnail)
    if data is None:
        raise Http404(_("照片不存在或不在您的权限范围内。"))
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def photo_delete(request, pk: int):
    photo_row = photos.photo_list(user=request.user).filter(pk=pk).first()
    if photo_row is None:
        raise Http404(_("照片不存在或不在您的权限范围内。"))
    try:
        photos.report_photo_delete(actor=request.user, photo_id=pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("照片已删除。"))
    return redirect(reverse("reporting:detail", args=[photo_row.report_id]) + "#photos")


@login_required
@require_POST
def report_submit(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, action="change")
    try:
        services.report_submit(actor=request.user, report_id=report.pk, expected_version=_posted_version(request))
    except (ValidationError, ConcurrentEditError) as error:
        messages.error(request, _error_text(error) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, _("月报已报送。"))
    return _back(request, "reporting:detail", report.pk)


@login_required
@require_POST
def report_verify(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, action="verify")
    try:
        services.report_verify(actor=request.user, report_id=report.pk, expected_version=_posted_version(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except (ConcurrentEditError, PermissionDenied) as error:
        # The scope was checked above; a refusal here is about this report's content.
        messages.error(request, str(error))
    else:
        messages.success(request, _("月报已审核通过。"))
    return _back(request, "reporting:detail", report.pk)


@login_required
@require_POST
def report_return(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, action="verify")
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.report_return(
            actor=request.user,
            report_id=report.pk,
            reason=reason,
            expected_version=_posted_version(request),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("月报已退回。"))
    return _back(request, "reporting:detail", report.pk)


# --- revisions -------------------------------------------------------------------


@login_required
def revision_request(request, pk: int):
    report = selectors.report_get(user=request.user, pk=pk, action="change")
    if not report.is_locked:
        messages.info(request, _("该月报尚未审核，可直接修改。"))
        return redirect("reporting:detail", pk=report.pk)
    form = RevisionForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.report_revision_request(
                actor=request.user,
                report_id=report.pk,
                reason=form.cleaned_data["reason"],
                proposed=form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("修改申请已提交，待另一位审核人员批准。"))
            return redirect("reporting:revision", pk=revision.pk)
    return render(request, "reporting/revision_form.html", {"report": report, "form": form})


@login_required
def revision_detail(request, pk: int):
    revision = selectors.revision_get(user=request.user, pk=pk)
    may_decide = selectors.revision_queryset(user=request.user, action="decide").filter(pk=pk).exists()
    fields = [
        {
            "label": revision.report._meta.get_field(name).verbose_name,
            "current": getattr(revision.report, name),
            "before": (revision.before or {}).get(name, ""),
            "proposed": value,
        }
        for name, value in revision.proposed.items()
    ]
    context = {
        "revision": revision,
        "report": revision.report,
        "fields": fields,
        "can_decide": may_decide
        and revision.status == RevisionStatus.PENDING
        and revision.requested_by_id != request.user.pk,
        "own": revision.requested_by_id == request.user.pk,
        "form": DecisionForm(),
    }
    return render(request, "reporting/revision.html", context)


@login_required
@require_POST
def revision_decide(request, pk: int, decision: str):
    revision = selectors.revision_get(user=request.user, pk=pk, action="decide")
    note = request.POST.get("note", "")
    decide = services.report_revision_approve if decision == "approve" else services.report_revision_reject
    try:
        decide(actor=request.user, revision_id=revision.pk, note=note)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied as error:
        # The scope was checked above; a refusal here is the requester deciding their own
        # request, or a start date the decider may not write to the project.
        messages.error(request, str(error))
    else:
        messages.success(request, _("修改申请已批准，月报已更新。") if decision == "approve" else _("修改申请已驳回。"))
    return redirect("reporting:revision", pk=revision.pk)


# --- 审核队列 -----------------------------------------------------------------------


QUEUE_PAGE_SIZES = (20, 50, 100, 200)


@login_required
def verify_queue(request):
    if request.user.role not in REPORT_VERIFIER_ROLES:
        raise PermissionDenied(_("只有审核人员有审核队列。"))
    filterset = selectors.review_queue_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    size = _int_or_none(request.GET.get("size"))
    size = size if size in QUEUE_PAGE_SIZES else 100
    page = page_by_ids(queryset, size=size, number=request.GET.get("page"))
    imports = selectors.imported_by(user=request.user, reports=page.object_list)
    rows = [(report, anomalies.report_flags(report), imports.get(report.pk)) for report in page.object_list]
    context = {
        "filterset": filterset,
        "page": page,
        "rows": rows,
        "sizes": QUEUE_PAGE_SIZES,
        "size": size,
        "revisions": selectors.revision_pending(user=request.user)[:PAGE_SIZE],
    }
    return render(request, "reporting/queue.html", context)


def _queue_columns():
    from apps.exports.writers import DATE, MONEY, SEQ, TEXT, Column

    return [
        Column(_("序号"), "seq", SEQ, 6),
        Column(_("县区"), "region", TEXT, 10),
        Column(_("项目名称"), "name", TEXT, 36),
        Column(_("项目代码"), "code", TEXT, 26),
        Column(_("月份"), "period", TEXT, 9),
        Column(_("建设单位"), "owner_unit", TEXT, 28),
        Column(_("本月完成投资（万元）"), "amount", MONEY, 14, summed=True),
        Column(_("本年累计（万元）"), "ytd", MONEY, 14, summed=True),
        Column(_("年度计划（万元）"), "plan", MONEY, 14, summed=True),
        Column(_("状态"), "status", TEXT, 9),
        Column(_("报送人"), "submitter", TEXT, 10),
        Column(_("报送日期"), "submitted_on", DATE, 12),
        Column(_("逾期报送"), "late", TEXT, 8),
        Column(_("数据异常"), "flags", TEXT, 50),
    ]


def _queue_row(report):
    from django.utils import timezone

    return {
        "region": report.project.region.name,
        "name": report.project.name,
        "code": report.project.project_code or "",
        "period": f"{report.year}-{report.month:02d}",
        "owner_unit": report.project.owner_unit.name,
        "amount": report.completed_investment,
        "ytd": report.ytd,
        "plan": report.plan,
        "status": report.get_status_display(),
        "submitter": report.submitted_by.display_name if report.submitted_by else "",
        "submitted_on": timezone.localtime(report.submitted_at).date() if report.submitted_at else None,
        "late": _("是") if report.is_late else "",
        "flags": "；".join(flag.reason for flag in anomalies.report_flags(report)),
    }


@login_required
def queue_export(request, fmt: str):
    """审核队列 as the page filters it, through the one list export of apps/exports."""
    from apps.exports.lists import ListLayout, list_export_response

    if request.user.role not in REPORT_VERIFIER_ROLES:
        raise PermissionDenied(_("只有审核人员有审核队列。"))
    filterset = selectors.review_queue_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    layout = ListLayout("月报审核清单", _queue_columns, _queue_row)
    return list_export_response(request, fmt, queryset=queryset, layout=layout)


@login_required
@require_POST
def verify_selected(request):
    """审核通过所选: the queue's checked reports, each verified and recorded on its own."""
    if request.user.role not in REPORT_VERIFIER_ROLES:
        raise PermissionDenied(_("只有审核人员有审核队列。"))
    # Each checkbox is "id:version" (the version the reviewer loaded): without it the batch is refused.
    versions, missing = {}, False
    for value in request.POST.getlist("report"):
        pk, _sep, version = value.partition(":")
        pk, version = _int_or_none(pk), _int_or_none(version)
        if pk:
            missing = missing or version is None
            versions.setdefault(pk, version)
    if not versions:
        messages.error(request, _("请先勾选要审核的月报。"))
        return _back(request, "reporting:queue")
    if missing:
        messages.error(request, _("修改时必须提交编辑时加载的版本号。"))
        return _back(request, "reporting:queue")
    try:
        verified, refused = services.report_verify_many(actor=request.user, versions=versions)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back(request, "reporting:queue")
    if verified:
        messages.success(request, _("已审核通过 %(n)s 份月报。") % {"n": len(verified)})
    for report_id, reason in refused:
        messages.error(request, _("月报 %(id)s 未审核：%(reason)s") % {"id": report_id, "reason": reason})
    return _back(request, "reporting:queue")


# --- 未报名单 -----------------------------------------------------------------------


@login_required
def unreported(request):
    user = request.user
    period = selectors.period_open_get(user=user)
    year, month = _int_or_none(request.GET.get("year")), _int_or_none(request.GET.get("month"))
    if year and month and 1 <= month <= 12:
        shown = (year, month)
    elif period is not None:
        shown = (period.year, period.month)
    else:
        shown = None
    summary = page = None
    narrowed = ""
    if shown is not None:
        summary = selectors.unreported(user=user, year=shown[0], month=shown[1])
        # A count clicked in 按县区 / 按建设单位: the projects behind it (the counts stay whole).
        region_id, owner_unit_id = _int_or_none(request.GET.get("region")), _int_or_none(request.GET.get("owner_unit"))
        projects = summary.projects
        if region_id:
            projects = projects.filter(region_id=region_id)
            narrowed = next((row["name"] for row in summary.by_region if row["region_id"] == region_id), "")
        if owner_unit_id:
            projects = projects.filter(owner_unit_id=owner_unit_id)
            narrowed = next((row["name"] for row in summary.by_owner_unit if row["owner_unit_id"] == owner_unit_id), "")
        page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "narrowed": narrowed,
        "period": period,
        "summary": summary,
        "page": page,
        "can_remind": user.role in services.REMINDER_SENDERS
        and period is not None
        and shown == (period.year, period.month),
    }
    template = "reporting/_unreported.html" if request.htmx else "reporting/unreported.html"
    return render(request, template, context)


@login_required
@require_POST
def unreported_remind(request):
    try:
        count = services.reminder_send_unreported(actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("已发送催报提醒 %(count)s 条。") % {"count": count})
    return redirect("reporting:unreported")


# --- a project's report history --------------------------------------------------


@login_required
def project_history(request, project_id: int):
    project = project_selectors.project_get(user=request.user, pk=project_id)
    period = selectors.period_open_get(user=request.user)
    context = {
        "project": project,
        "reports": selectors.project_reports(user=request.user, project=project),
        "period": period,
        "can_fill": period is not None
        and project_selectors.project_can(user=request.user, project=project, action="change"),
    }
    return render(request, "reporting/history.html", context)


# --- periods ---------------------------------------------------------------------


@login_required
def periods(request):
    if request.user.role not in services.PERIOD_MANAGERS:
        raise PermissionDenied(_("只有市发改委管理员可以管理填报期。"))
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(period)s填报期已开启。") % {"period": period})
            return redirect("reporting:periods")
    return render(
        request, "reporting/periods.html", {"form": form, "periods": selectors.period_list(user=request.user)}
    )


@login_required
@require_POST
def period_close(request, pk: int):
    period = selectors.period_get(user=request.user, pk=pk, action="change")
    services.period_close(actor=request.user, period_id=period.pk)
    messages.success(request, _("%(period)s填报期已关闭。") % {"period": period})
    return redirect("reporting:periods")


# --- reminders ------------------------------------------------------------------


@login_required
def reminders(request):
    page = Paginator(selectors.reminder_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    services.reminder_mark_read(user=request.user, reminder_ids=[r.pk for r in shown if r.read_at is None])
    return render(request, "reporting/reminders.html", {"page": page, "reminders": shown})


@login_required
def reminder_badge(request):
    return render(
        request, "reporting/_reminder_badge.html", {"unread": selectors.reminder_unread_count(user=request.user)}
    )
