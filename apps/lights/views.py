"""The 红黄灯 pages: the list of a period with counts by county and rule, the rules, a rule
with its versions, edit and replay. Views declare and delegate."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.exports.lists import list_export_response
from apps.projects.forms import apply_service_errors

from . import selectors, services
from .exports import LIGHTS
from .forms import NewRuleForm, PeriodForm, RuleForm
from .measures import MEASURES, SUBJECTS
from .models import Colour

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


@login_required
def light_list(request):
    filterset = selectors.light_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "count": page.paginator.count,
        "year": filterset.data.get("year"),
        "month": filterset.data.get("month"),
        "by_region": selectors.counts_by_region(queryset=queryset),
        "by_rule": selectors.counts_by_rule(queryset=queryset),
        "colours": [(value, label) for value, label in Colour.choices if value != Colour.GREEN],
        "scope_region": request.user.region,
    }
    return render(request, "lights/list.html", context)


@login_required
def light_export(request, fmt: str):
    filterset = selectors.light_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return list_export_response(request, fmt, queryset=queryset, layout=LIGHTS)


@login_required
def rule_list(request):
    rules = list(selectors.rule_queryset(user=request.user))
    for rule in rules:
        rule.subject_label = SUBJECTS[rule.subject].label if rule.subject in SUBJECTS else rule.subject
        measure = MEASURES.get(rule.current_version.measure) if rule.current_version else None
        rule.measure_label = measure.label if measure else "—"
    can_change = selectors.rule_queryset(user=request.user, action="change").exists()
    return render(
        request,
        "lights/rules.html",
        {"rules": rules, "can_change": can_change, "new_form": NewRuleForm() if can_change else None},
    )


@login_required
def rule_detail(request, pk: int):
    rule = selectors.rule_get(user=request.user, pk=pk)
    can_change = selectors.rule_queryset(user=request.user, action="change").filter(pk=pk).exists()
    form = RuleForm(subject=rule.subject, version=rule.current_version) if can_change else None
    year, month = selectors.default_period()
    context = {
        "rule": rule,
        "versions": rule.versions.select_related("created_by").order_by("-number"),
        "measure": MEASURES.get(rule.current_version.measure) if rule.current_version else None,
        "form": form,
        "can_change": can_change,
        "period_form": PeriodForm(initial={"year": year, "month": month}),
    }
    return render(request, "lights/rule.html", context)


@login_required
@require_POST
def rule_save(request, pk: int):
    rule = selectors.rule_get(user=request.user, pk=pk, action="change")
    form = RuleForm(request.POST, subject=rule.subject)
    if form.is_valid():
        try:
            version = services.rule_version_save(
                actor=request.user,
                rule=rule,
                reason=form.cleaned_data.get("reason") or "",
                name=form.cleaned_data["name"],
                **form.definition(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存为第%(n)s版。") % {"n": version.number})
            return redirect("lights:rule", pk=rule.pk)
    context = {
        "rule": rule,
        "versions": rule.versions.select_related("created_by").order_by("-number"),
        "measure": MEASURES.get(rule.current_version.measure) if rule.current_version else None,
        "form": form,
        "can_change": True,
        "period_form": PeriodForm(request.POST),
    }
    return render(request, "lights/rule.html", context, status=422)


@login_required
@require_POST
def rule_active(request, pk: int):
    rule = selectors.rule_get(user=request.user, pk=pk, action="change")
    services.rule_set_active(actor=request.user, rule=rule, is_active=request.POST.get("is_active") == "1")
    messages.success(request, _("已启用。") if request.POST.get("is_active") == "1" else _("已停用。"))
    return redirect("lights:rule", pk=rule.pk)


@login_required
@require_POST
def rule_replay(request, pk: int):
    """The draft in the form (or the saved version) replayed on a past month: a fragment."""
    rule = selectors.rule_get(user=request.user, pk=pk, action="change")
    form = RuleForm(request.POST, subject=rule.subject)
    period = PeriodForm(request.POST)
    replay, error = None, None
    if form.is_valid() and period.is_valid():
        try:
            replay = services.rule_replay(
                actor=request.user,
                rule=rule,
                year=period.cleaned_data["year"],
                month=period.cleaned_data["month"],
                definition=form.definition(),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(
            str(message) for errors in (*form.errors.values(), *period.errors.values()) for message in errors
        )
    return render(request, "lights/_replay.html", {"replay": replay, "error": error})


@login_required
@require_POST
def rule_create(request):
    form = NewRuleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("lights:rules")
    subject = form.cleaned_data["subject"]
    measure = next(key for key, m in MEASURES.items() if m.subject == subject)
    try:
        rule = services.rule_create(
            actor=request.user,
            code=form.cleaned_data["code"],
            name=_("新规则 %(code)s") % {"code": form.cleaned_data["code"]},
            subject=subject,
            region=request.user.region,
            measure=measure,
            params={"start_by": "2026-06-30"} if measure == "campaign_start_by" else {},
            levels=[{"colour": "red", "field": "value", "op": ">", "value": "0"}],
            reason=_("新建规则（停用状态，请设置后启用）"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("lights:rules")
    return redirect("lights:rule", pk=rule.pk)
