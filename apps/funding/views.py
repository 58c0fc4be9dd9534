"""Funding pages: the overview (sources, arrivals, 资金偏离度), a project's funding, the
record form, disbursements (finance bureau) and applications (向上争取). Views declare and
delegate: reads through selectors, writes through services. Out of scope: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import ConcurrentEditError
from apps.core.money import wan_to_yi
from apps.projects.forms import apply_service_errors

from . import selectors, services
from .forms import ApplicationForm, ApplicationStepForm, DisbursementForm, FundingRecordForm
from .models import APPLICATION_STEPS, ApplicationStatus, FundingRecord, is_finance_user

PAGE_SIZE = 50


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else timezone.localdate().year


@login_required
def overview(request):
    """The scoped projects' funding of a year: planned and arrived, completed, 资金偏离度."""
    year = _year(request)
    params = request.GET.copy()
    params.setdefault("year", str(year))
    filterset = selectors.record_filterset(user=request.user, params=params, request=request)
    queryset = selectors.with_record_figures(filterset.qs) if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = selectors.application_figures(user=request.user, year=year)
    context = {
        "year": year,
        "filterset": filterset,
        "page": page,
        "rows": [selectors.arrival_row(record) | {"gap": record.gap, "obj": record} for record in page.object_list],
        "count": page.paginator.count,
        "figures": figures,
        "arrived_yi": wan_to_yi(figures.arrived),
        "pace": selectors.disbursement_summary(user=request.user, year=year),
        "is_finance": is_finance_user(request.user),
    }
    return render(request, "funding/overview.html", context)


@login_required
def project_funding(request, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id)
    records = selectors.with_record_figures(selectors.record_queryset(user=request.user).filter(project=project))
    context = {
        "project": project,
        "records": [selectors.record_view(record) for record in records.order_by("-year")],
        "disbursements": selectors.disbursement_queryset(user=request.user)
        .filter(project=project)
        .select_related("entered_by"),
        "applications": selectors.application_queryset(user=request.user)
        .filter(project=project)
        .select_related("responsible_department"),
        "can_change": selectors.scoped_projects(user=request.user, action="change").filter(pk=project.pk).exists(),
        "can_disburse": selectors.scoped_projects(user=request.user, action="finance").filter(pk=project.pk).exists(),
        "year": timezone.localdate().year,
        "disbursement_form": DisbursementForm(initial={"project": project.pk, "on_date": timezone.localdate()}),
    }
    return render(request, "funding/project.html", context)


@login_required
def record_edit(request, project_id: int, year: int):
    project = selectors.project_get(user=request.user, pk=project_id, action="change")
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Http404
    record = FundingRecord.objects.filter(project=project, year=year).first()
    form = FundingRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_record_save(
                actor=request.user,
                project_id=project.pk,
                year=year,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("资金来源已保存。"))
            return redirect("funding:project", project_id=project.pk)
    probe = record or FundingRecord(project=project, year=year)
    rows = form.amount_rows(selectors.record_view(probe).rows)
    return render(request, "funding/record_form.html", {"form": form, "project": project, "year": year, "rows": rows})


@login_required
def disbursement_list(request):
    filterset = selectors.disbursement_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/disbursements.html",
        {"filterset": filterset, "page": page, "count": page.paginator.count},
    )


@login_required
@require_POST
def disbursement_add(request):
    form = DisbursementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        project_id = request.POST.get("project", "")
        return redirect("funding:project", project_id=project_id) if project_id.isdigit() else redirect("funding:index")
    project = selectors.project_get(user=request.user, pk=form.cleaned_data["project"])
    data = {name: value for name, value in form.cleaned_data.items() if name != "project"}
    try:
        services.disbursement_add(actor=request.user, project_id=project.pk, **data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("拨付记录已保存。"))
    return redirect("funding:project", project_id=project.pk)


# --- applications ------------------------------------------------------------------------


@login_required
def application_list(request):
    year = _year(request)
    filterset = selectors.application_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = selectors.application_figures(user=request.user, year=year)
    context = {
        "filterset": filterset,
        "page": page,
        "count": page.paginator.count,
        "figures": figures,
        "year": year,
        "arrived_yi": wan_to_yi(figures.arrived),
        "arrived_last_yi": wan_to_yi(figures.arrived_last_year),
    }
    return render(request, "funding/applications.html", context)


@login_required
def application_create(request, project_id: int):
    project = selectors.project_get(user=request.user, pk=project_id, action="change")
    form = ApplicationForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=request.user, project_id=project.pk, fields=form.service_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("申请已登记。"))
            return redirect("funding:application", pk=application.pk)
    return render(request, "funding/application_form.html", {"form": form, "project": project, "application": None})


@login_required
def application_edit(request, pk: int):
    application = selectors.application_get(user=request.user, pk=pk)
    if not selectors.application_queryset(user=request.user, action="change").filter(pk=pk).exists():
        raise PermissionDenied(_("您无权修改该申请。"))
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application_id=pk,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("申请已保存。"))
            return redirect("funding:application", pk=pk)
    context = {"form": form, "project": application.project, "application": application}
    return render(request, "funding/application_form.html", context)


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get(user=request.user, pk=pk)
    can_change = selectors.application_queryset(user=request.user, action="change").filter(pk=pk).exists()
    steps = APPLICATION_STEPS[ApplicationStatus(application.status)]
    form = ApplicationStepForm(initial={"on": timezone.localdate(), "version": application.version})
    form.fields["to_status"].choices = [(step.value, step.label) for step in steps]
    context = {"application": application, "can_change": can_change and bool(steps), "step_form": form}
    return render(request, "funding/application.html", context)


@login_required
@require_POST
def application_step(request, pk: int):
    selectors.application_get(user=request.user, pk=pk)
    form = ApplicationStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("funding:application", pk=pk)
    data = dict(form.cleaned_data)
    try:
        services.application_step(actor=request.user, application_id=pk, expected_version=data.pop("version"), **data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("申请状态已更新。"))
    return redirect("funding:application", pk=pk)


@login_required
def export(request):
    """资金到位情况表 of the overview's filters (format=xlsx|csv)."""
    from apps.exports.lists import filtered_list_export_response

    from .exports import FUNDING

    return filtered_list_export_response(
        request,
        filterset=selectors.record_filterset,
        prepare=selectors.with_record_figures,
        layout=FUNDING,
        back="funding:index",
    )
