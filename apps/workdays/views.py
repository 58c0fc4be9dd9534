"""The working-day calendar page: coverage, the override table (editable by the city
administrator) and a calculator that shows a missing-data error instead of guessing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.projects.forms import apply_service_errors

from . import selectors, services
from .forms import AddForm, CalendarYearForm, OverrideForm


def _year_param(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
def calendar_page(request):
    user = request.user
    year = _year_param(request)
    override_form = OverrideForm(prefix="o")
    year_form = CalendarYearForm(prefix="y")
    if request.method == "POST":
        if not selectors.can_change(user=user):
            raise PermissionDenied(_("只有市发改委管理员可以维护工作日历。"))
        if "o-date" in request.POST:
            override_form = OverrideForm(request.POST, prefix="o")
            if override_form.is_valid():
                try:
                    services.override_save(actor=user, **override_form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(override_form, error)
                else:
                    messages.success(request, _("工作日调整已保存。"))
                    return redirect(f"{request.path}?year={override_form.cleaned_data['date'].year}")
        else:
            year_form = CalendarYearForm(request.POST, prefix="y")
            if year_form.is_valid():
                try:
                    services.calendar_year_save(actor=user, **year_form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(year_form, error)
                else:
                    messages.success(request, _("年度已标记为已录入。"))
                    return redirect(f"{request.path}?year={year_form.cleaned_data['year']}")
    calculator = AddForm(request.GET if "start" in request.GET else None)
    result = error = None
    if calculator.is_bound and calculator.is_valid():
        data = calculator.cleaned_data
        try:
            calendar = services.WorkCalendar.load()
            result = {
                "added": calendar.add(data["start"], data["n"]) if data["n"] is not None else None,
                "between": calendar.between(data["start"], data["end"]) if data["end"] else None,
            }
        except services.WorkdayDataMissing as missing:
            error = missing.messages[0]
    context = {
        "year": year,
        "coverage": selectors.coverage(user=user),
        "overrides": selectors.override_list(user=user, year=year),
        "can_change": selectors.can_change(user=user),
        "override_form": override_form,
        "year_form": year_form,
        "calculator": calculator,
        "result": result,
        "error": error,
    }
    return render(request, "workdays/calendar.html", context)


@login_required
@require_POST
def override_delete(request, pk: int):
    if not selectors.can_change(user=request.user):
        raise PermissionDenied(_("只有市发改委管理员可以维护工作日历。"))
    try:
        services.override_delete(actor=request.user, override_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("工作日调整已删除。"))
    return redirect("workdays:calendar")


@login_required
@require_POST
def year_delete(request, pk: int):
    if not selectors.can_change(user=request.user):
        raise PermissionDenied(_("只有市发改委管理员可以维护工作日历。"))
    try:
        services.calendar_year_delete(actor=request.user, year_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已取消该年度的录入标记。"))
    return redirect("workdays:calendar")
