"""Special-bond pages: the programme overview (figures, 不达标/预警 lists, reminders), bond
projects (record, checks, 一案两书, reviews, 双入库), quotas, issues with allocations and
spending, 用途调整 and repayments. Views declare and delegate: reads through selectors,
writes through services. Out of scope: 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import ConcurrentEditError
from apps.funding import selectors as funding_selectors
from apps.funding.models import finance_region
from apps.projects.forms import apply_service_errors
from apps.regions.models import Region

from . import selectors, services
from .documents import document_response
from .forms import (
    AdjustmentForm,
    AllocationForm,
    BondProjectForm,
    DecideForm,
    DocumentForm,
    IssueForm,
    PoolForm,
    QuotaForm,
    RepaymentForm,
    ReviewForm,
    SpendingForm,
)
from .models import BondProjectStatus

PAGE_SIZE = 50


def _period(request) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        month = int(request.GET.get("month") or today.month)
    except ValueError:
        return today.year, today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))


def _versioned(data: dict) -> dict:
    """A step form's data for its service: the loaded `version` as `expected_version`."""
    fields = dict(data)
    fields["expected_version"] = fields.pop("version")
    return fields


def _step(request, form, call, *, success: str, back: str, refusals=(ValidationError,), **back_kwargs):
    """A POST step of a page: the form checked, `call(cleaned_data)` (a service), its refusal
    or `success` said as a message, then back to the page."""
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back, **back_kwargs)
    try:
        call(form.cleaned_data)
    except refusals as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)
    return redirect(back, **back_kwargs)


@login_required
def overview(request):
    year, month = _period(request)
    user = request.user
    figures = selectors.bond_figures(user=user, year=year, month=month)
    lists = selectors.pace_lists(user=user, year=year, month=month)
    list_url = reverse("bonds:projects")
    links = {key: f"{list_url}?{urlencode({'year': year, 'figure': key})}" for key in ("applied", "passed", "pooled")}
    links["applied_amount"] = links["applied"]
    for key in ("issued", "spent", "spent_share"):
        links[key] = f"{reverse('bonds:spending')}?{urlencode({'year': year, 'month': month})}"
    context = {
        "year": year,
        "month": month,
        "figures": [(figure, links[key]) for key, figure in figures.figures.items()],
        "by_category": figures.pooled_by_category,
        "infrastructure_majority": selectors.infrastructure_majority(figures),
        "by_county": figures.by_county,
        "lists": lists,
        "reminders": selectors.repayment_reminders(user=user),
        "is_finance": finance_region(user) is not None,
    }
    return render(request, "bonds/overview.html", context)


# --- bond projects ------------------------------------------------------------------------------


@login_required
def project_list(request):
    filterset = selectors.bond_project_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bonds/projects.html", {"filterset": filterset, "page": page, "count": page.paginator.count})


@login_required
def project_bonds(request, project_id: int):
    """A project's bond records (from the project's funding page)."""
    project = funding_selectors.project_get(user=request.user, pk=project_id)
    return redirect(f"{reverse('bonds:projects')}?{urlencode({'project': project.pk})}")


@login_required
def project_create(request, project_id: int):
    project = funding_selectors.project_get(user=request.user, pk=project_id, action="change")
    form = BondProjectForm(
        request.POST or None,
        initial={"total_investment": project.total_investment, "year": timezone.localdate().year},
    )
    year = timezone.localdate().year
    if request.method == "POST" and form.is_valid():
        try:
            bond_project = services.bond_project_create(
                actor=request.user, project_id=project.pk, year=year, fields=form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("专项债券项目已保存，请上传一案两书后申报。"))
            return redirect("bonds:project", pk=bond_project.pk)
    return render(request, "bonds/project_form.html", {"form": form, "project": project, "year": year, "bond": None})


@login_required
def project_edit(request, pk: int):
    bond_project = selectors.bond_project_get(user=request.user, pk=pk, action="change")
    form = BondProjectForm(request.POST or None, instance=bond_project)
    if request.method == "POST" and form.is_valid():
        try:
            services.bond_project_update(
                actor=request.user,
                bond_project_id=pk,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("专项债券项目已保存。"))
            return redirect("bonds:project", pk=pk)
    context = {"form": form, "project": bond_project.project, "year": bond_project.year, "bond": bond_project}
    return render(request, "bonds/project_form.html", context)


@login_required
def project_detail(request, pk: int):
    user = request.user
    bond_project = selectors.bond_project_get(user=user, pk=pk)
    can_change = selectors.bond_project_can(user=user, bond_project=bond_project)
    editable = bond_project.status != BondProjectStatus.SUBMITTED
    today = timezone.localdate()
    allocations = selectors.paces(user=user, year=today.year, month=today.month, bond_project_id=bond_project.pk)
    office = finance_region(user)
    covers = office is not None and bond_project.project.region.code.startswith(office.code_prefix)
    may_change_project = funding_selectors.scoped_projects(user=user, action="change").filter(
        pk=bond_project.project_id
    )
    reviewer = covers or (user.role in (Role.CITY_ADMIN, Role.COUNTY_USER) and may_change_project.exists())
    context = {
        "bond": bond_project,
        "can_review": reviewer,
        "can_adjust": can_change or covers,
        "checks": services.bond_project_checks(bond_project),
        "documents": list(bond_project.documents.defer("content").select_related("uploaded_by")),
        "reviews": selectors.reviews_of(bond_project),
        "levels": services.review_levels(bond_project),
        "allocations": allocations,
        "can_edit": can_change and editable,
        "can_submit": can_change and editable,
        "document_form": DocumentForm(initial={"version": bond_project.version}),
        "review_form": ReviewForm(initial={"reviewed_on": today, "version": bond_project.version}),
        "pool_form": PoolForm(initial={"on": today, "version": bond_project.version}),
        "submitted": bond_project.status == BondProjectStatus.SUBMITTED,
        "adjustment_form": AdjustmentForm(
            bond_projects=selectors.bond_project_queryset(user=user)
            .filter(status=BondProjectStatus.SUBMITTED)
            .exclude(pk=bond_project.pk)
            .select_related("project")
        ),
    }
    return render(request, "bonds/project.html", context)


@login_required
@require_POST
def project_submit(request, pk: int):
    selectors.bond_project_get(user=request.user, pk=pk)
    version = request.POST.get("version", "")
    try:
        if not version.isdigit():  # without the version the page was loaded at, the last writer would win
            raise ValidationError({"version": _("修改时必须提交编辑时加载的版本号。")})
        services.bond_project_submit(actor=request.user, bond_project_id=pk, expected_version=int(version))
    except ValidationError as error:
        _errors(request, error)
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已申报。"))
    return redirect("bonds:project", pk=pk)


@login_required
@require_POST
def document_upload(request, pk: int):
    selectors.bond_project_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("bonds:project", pk=pk)
    upload = form.cleaned_data["file"]
    if upload.size > services.DOCUMENT_MAX_BYTES:
        messages.error(request, _("文件不能超过 20 MB。"))
        return redirect("bonds:project", pk=pk)
    try:
        services.bond_document_upload(
            actor=request.user,
            bond_project_id=pk,
            kind=form.cleaned_data["kind"],
            filename=upload.name,
            content=upload.read(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        _errors(request, error)
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("文件已上传。"))
    return redirect("bonds:project", pk=pk)


@login_required
def document_download(request, pk: int, document_id: int):
    return document_response(user=request.user, bond_project_id=pk, document_id=document_id)


@login_required
@require_POST
def review_record(request, pk: int):
    selectors.bond_project_get(user=request.user, pk=pk)
    return _step(
        request,
        ReviewForm(request.POST),
        lambda data: services.bond_review_record(actor=request.user, bond_project_id=pk, **_versioned(data)),
        success=_("审核结果已录入。"),
        refusals=(ValidationError, ConcurrentEditError),
        back="bonds:project",
        pk=pk,
    )


@login_required
@require_POST
def pool_record(request, pk: int):
    selectors.bond_project_get(user=request.user, pk=pk)
    return _step(
        request,
        PoolForm(request.POST),
        lambda data: services.bond_pool_record(actor=request.user, bond_project_id=pk, **_versioned(data)),
        success=_("入库结果已录入。"),
        refusals=(ValidationError, ConcurrentEditError),
        back="bonds:project",
        pk=pk,
    )


# --- quotas, issues, spending ---------------------------------------------------------------------


def _finance_regions(user):
    office = finance_region(user)
    return office.subtree() if office else Region.objects.none()


@login_required
def quota_list(request):
    regions = _finance_regions(request.user)
    form = QuotaForm(request.POST or None, regions=regions, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.quota_save(actor=request.user, region_id=data.pop("region").pk, **data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("额度已保存。"))
                return redirect("bonds:quotas")
        else:
            _form_errors(request, form)
    quotas = selectors.quota_queryset(user=request.user)
    return render(request, "bonds/quotas.html", {"quotas": quotas, "form": form if regions.exists() else None})


@login_required
def issue_list(request):
    regions = _finance_regions(request.user)
    form = IssueForm(request.POST or None, regions=regions)
    if request.method == "POST":
        if not regions.exists():
            raise PermissionDenied(_("只有财政部门可以登记发行批次。"))
        if form.is_valid():
            try:
                issue = services.issue_create(actor=request.user, fields=form.service_fields())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("发行批次已登记。"))
                return redirect("bonds:issue", pk=issue.pk)
    issues = selectors.issue_queryset(user=request.user)
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bonds/issues.html", {"page": page, "form": form if regions.exists() else None})


@login_required
def issue_detail(request, pk: int):
    user = request.user
    issue = selectors.issue_get(user=user, pk=pk)
    today = timezone.localdate()
    rows = selectors.paces(user=user, year=today.year, month=today.month, issue_id=pk)
    can_enter = selectors.issue_queryset(user=user, action="change").filter(pk=pk).exists()
    candidates = (
        selectors.bond_project_queryset(user=user)
        .filter(status=BondProjectStatus.SUBMITTED)
        .exclude(allocations__issue=issue)
        .select_related("project")
    )
    context = {
        "issue": issue,
        "rows": rows,
        "allocated": sum((row.allocation.amount for row in rows), 0),
        "can_enter": can_enter,
        "allocation_form": AllocationForm(bond_projects=candidates, initial={"allocated_on": today}),
        "today": today,
        "spending_year": today.year,
        "spending_month": today.month,
    }
    return render(request, "bonds/issue.html", context)


@login_required
def allocation_detail(request, pk: int):
    """A batch × project (the lights' subject) is shown on its issue's page."""
    allocation = selectors.allocation_get(user=request.user, pk=pk)
    return redirect(f"{reverse('bonds:issue', args=[allocation.issue_id])}#allocation-{allocation.pk}")


@login_required
@require_POST
def allocation_add(request, pk: int):
    selectors.issue_get(user=request.user, pk=pk)
    form = AllocationForm(request.POST, bond_projects=selectors.bond_project_queryset(user=request.user))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("bonds:issue", pk=pk)
    data = dict(form.cleaned_data)
    try:
        services.allocation_add(
            actor=request.user,
            issue_id=pk,
            bond_project_id=data.pop("bond_project").pk,
            amount=data["amount"],
            as_capital=data["as_capital"] or 0,
            allocated_on=data["allocated_on"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已下达。"))
    return redirect("bonds:issue", pk=pk)


@login_required
def spending(request):
    year, month = _period(request)
    lists = selectors.pace_lists(user=request.user, year=year, month=month)
    shown = request.GET.get("list", "all")
    rows = {"failing": lists.failing, "warning": lists.warning, "to_recover": lists.to_recover}.get(shown, lists.all)
    context = {"year": year, "month": month, "lists": lists, "rows": rows, "shown": shown}
    return render(request, "bonds/spending.html", context)


@login_required
@require_POST
def spending_record(request):
    form = SpendingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("bonds:spending")
    allocation = selectors.allocation_get(user=request.user, pk=form.cleaned_data["allocation"])
    try:
        services.spending_record(
            actor=request.user,
            allocation_id=allocation.pk,
            year=form.cleaned_data["year"],
            month=form.cleaned_data["month"],
            cumulative=form.cleaned_data["cumulative"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("支出已保存。"))
    return redirect("bonds:issue", pk=allocation.issue_id)


@login_required
def adjustment_list(request):
    adjustments = selectors.adjustment_queryset(user=request.user)
    return render(request, "bonds/adjustments.html", {"adjustments": adjustments, "decide_form": DecideForm()})


@login_required
@require_POST
def adjustment_request(request):
    user = request.user
    form = AdjustmentForm(request.POST, bond_projects=selectors.bond_project_queryset(user=user))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("bonds:adjustments")
    allocation = selectors.allocation_get(user=user, pk=form.cleaned_data["allocation"])
    data = form.cleaned_data
    try:
        services.adjustment_request(
            actor=user,
            allocation_id=allocation.pk,
            amount=data["amount"],
            reason=data["reason"],
            explanation=data["explanation"],
            to_bond_project_id=data["to_bond_project"].pk,
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("用途调整已提交审批。"))
    return redirect("bonds:adjustments")


@login_required
@require_POST
def adjustment_decide(request, pk: int):
    if not selectors.adjustment_queryset(user=request.user).filter(pk=pk).exists():
        raise Http404
    return _step(
        request,
        DecideForm(request.POST),
        lambda data: services.adjustment_decide(
            actor=request.user, adjustment_id=pk, approve=data["approve"], note=data["note"]
        ),
        success=_("已审批。"),
        back="bonds:adjustments",
        refusals=(ValidationError, PermissionDenied),
    )


@login_required
def repayments(request):
    """The schedule a year back and a year ahead, with what was actually paid; the finance
    bureau enters payments on the lines due in its region."""
    user = request.user
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    lines = selectors.repayments(user=user, start=today - year, end=today + year)
    office = finance_region(user)
    for line in lines:
        line.can_enter = (
            office is not None and line.payment.due <= today and line.project.region.code.startswith(office.code_prefix)
        )
    context = {
        "lines": lines,
        "today": today,
        "reminder_end": today + datetime.timedelta(days=selectors.rules.reminder_days()),
        "summary": selectors.repayment_summary(lines),
        "show_paid": True,
    }
    return render(request, "bonds/repayments.html", context)


@login_required
@require_POST
def repayment_record(request):
    def record(data):
        allocation = selectors.allocation_get(user=request.user, pk=data.pop("allocation"))
        services.repayment_record(actor=request.user, allocation_id=allocation.pk, **data)

    return _step(
        request,
        RepaymentForm(request.POST),
        record,
        success=_("还本付息支付已保存。"),
        back="bonds:repayments",
        refusals=(ValidationError, PermissionDenied),
    )


@login_required
def project_export(request):
    """专项债券项目表 of the list's filters (format=xlsx|csv)."""
    from apps.exports.lists import filtered_list_export_response

    from .exports import BONDS

    return filtered_list_export_response(
        request, filterset=selectors.bond_project_filterset, layout=BONDS, back="bonds:projects"
    )
