"""The 季度考核 pages: schemes and periods, a scheme (indicators, quarter inputs, the year),
a period's ranking with 红黑榜, a county's trace. Views declare and delegate; the city
administrator's actions post to the services (refusals come back as messages)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.regions.models import Organisation, Region

from . import selectors, services
from .indicators import DEFINITIONS, DEPARTMENT_DEFINITIONS, counties_of, definitions_for, departments_of
from .models import Method, QuarterInput, RunStatus, Subject, Subjects


def show_refusal(request, error) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, str(error) or _("您没有权限执行此操作。"))


def attempt(request, call, success: str):
    """Run a service call for a page's POST: its success message, or its refusal as a message."""
    try:
        result = call()
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
        return None
    messages.success(request, success)
    return result


def _can_change(user) -> bool:
    return selectors.scheme_queryset(user=user, action="change").exists()


@login_required
def index(request):
    schemes = list(selectors.scheme_queryset(user=request.user))
    runs = list(selectors.run_queryset(user=request.user)[:40])
    latest = selectors.latest_published(user=request.user)
    results = selectors.run_results(user=request.user, run=latest) if latest else []
    department_results = (
        selectors.run_results(user=request.user, run=latest, subject=Subject.DEPARTMENT) if latest else []
    )
    if not schemes and not runs and not selectors.scheme_scope_exists(user=request.user):
        raise Http404
    return render(
        request,
        "assessment/index.html",
        {
            "schemes": schemes,
            "runs": runs,
            "latest": latest,
            "results": results,
            "boards": selectors.boards(results),
            "department_results": department_results,
            "department_boards": selectors.boards(department_results),
            "can_change": _can_change(request.user),
            "quarters": (1, 2, 3, 4),
        },
    )


@login_required
def scheme_detail(request, pk: int):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    indicators = list(scheme.indicators.all())
    for item in indicators:
        item.definition = definitions_for(item.subject).get(item.key)
    can_change = selectors.scheme_queryset(user=request.user, action="change").filter(pk=pk).exists()
    inputs = list(
        QuarterInput.objects.restrict(request.user)
        .filter(scheme=scheme)
        .select_related("region")
        .order_by("quarter", "region__code")
    )
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "indicators": [item for item in indicators if item.subject == Subject.COUNTY],
            "department_indicators": [item for item in indicators if item.subject == Subject.DEPARTMENT],
            "definitions": DEFINITIONS.values(),
            "department_definitions": DEPARTMENT_DEFINITIONS.values(),
            "subjects": Subjects.choices,
            "departments": departments_of(scheme.region) if can_change and scheme.assesses_departments else [],
            "methods": Method.choices,
            "inputs": inputs,
            "counties": counties_of(scheme.region) if can_change else [],
            "can_change": can_change,
            "year_rows": selectors.year_totals(user=request.user, scheme=scheme),
            "quarters": (1, 2, 3, 4),
        },
    )


@login_required
@require_POST
def indicator_save(request, pk: int):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    try:
        params = json.loads(request.POST.get("params") or "{}")
        if not isinstance(params, dict):
            raise ValueError
    except ValueError:
        messages.error(request, _('方法参数应为 JSON 对象，如 {"per_item": 5, "cap": 20}。'))
        return redirect("assessment:scheme", pk=pk)
    try:
        services.indicator_set(
            actor=request.user,
            scheme=scheme,
            key=request.POST.get("key", ""),
            weight=request.POST.get("weight", ""),
            method=request.POST.get("method", ""),
            params=params,
            subject=request.POST.get("subject") or Subject.COUNTY,
        )
        messages.success(request, _("已保存考核指标。"))
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    return redirect("assessment:scheme", pk=pk)


@login_required
@require_POST
def input_save(request, pk: int):
    scheme = selectors.scheme_get(user=request.user, pk=pk)
    # One select names a county ("r<id>") or a department ("d<id>").
    choice = request.POST.get("subject") or f"r{request.POST.get('region') or ''}"
    kind, number = choice[:1], _int(choice[1:])
    region = Region.objects.filter(pk=number, parent=scheme.region).first() if kind == "r" else None
    department = Organisation.objects.filter(pk=number).first() if kind == "d" else None
    try:
        if region is None and department is None:
            raise ValidationError({"region": _("请选择本市所辖县区。")})
        quarter = int(request.POST.get("quarter") or 0)
        services.quarter_input_set(
            actor=request.user,
            scheme=scheme,
            quarter=quarter,
            region=region,
            department=department,
            review_score=request.POST.get("review_score") or None,
            vetoed=request.POST.get("vetoed") == "1",
            veto_reason=request.POST.get("veto_reason", ""),
        )
        messages.success(request, _("已保存。"))
    except ValueError:
        messages.error(request, _("季度应为1至4。"))
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    return redirect("assessment:scheme", pk=pk)


@login_required
@require_POST
def run_compute(request):
    scheme = selectors.scheme_get(user=request.user, pk=_int(request.POST.get("scheme")))
    try:
        run = services.run_compute(
            actor=request.user,
            scheme=scheme,
            quarter=_int(request.POST.get("quarter")),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("已计算（试算），核对无误后发布。"))
        return redirect("assessment:run", pk=run.pk)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    return redirect("assessment:index")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def run_detail(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    results = selectors.run_results(user=request.user, run=run)
    department_results = selectors.run_results(user=request.user, run=run, subject=Subject.DEPARTMENT)
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "results": results,
            "boards": selectors.boards(results),
            "department_results": department_results,
            "department_boards": selectors.boards(department_results),
            "can_publish": run.status == RunStatus.DRAFT and _can_change(request.user),
            "versions": list(selectors.run_queryset(user=request.user).filter(scheme=run.scheme, quarter=run.quarter)),
        },
    )


@login_required
@require_POST
def run_publish(request, pk: int):
    run = selectors.run_get(user=request.user, pk=pk)
    attempt(request, lambda: services.run_publish(actor=request.user, run=run), _("已发布，结果已冻结。"))
    return redirect("assessment:run", pk=pk)


@login_required
def result_detail(request, pk: int, region_id: int):
    run = selectors.run_get(user=request.user, pk=pk)
    return _trace(request, run, selectors.result_get(user=request.user, run=run, region_id=region_id))


@login_required
def department_result_detail(request, pk: int, organisation_id: int):
    run = selectors.run_get(user=request.user, pk=pk)
    return _trace(
        request, run, selectors.department_result_get(user=request.user, run=run, organisation_id=organisation_id)
    )


def _trace(request, run, result):
    months = [
        {"month": month, **data, "rank": rank}
        for month, data, rank in zip(run.months, result.trace.get("months", []), result.month_ranks, strict=False)
    ]
    # What each raw value counts (口径), for the indicators of this trace, in the scheme's order.
    keys = dict.fromkeys(row["key"] for month in months for row in month.get("rows", []))
    known = definitions_for(result.subject)
    definitions = [known[key] for key in keys if key in known]
    return render(
        request,
        "assessment/result.html",
        {"run": run, "result": result, "months": months, "definitions": definitions},
    )
