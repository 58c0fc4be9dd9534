"""Attraction pipeline pages. Views declare and delegate: reads through selectors, writes
through services. Out of scope: 404; in scope but not allowed: 403."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import ConcurrentEditError
from apps.core.forms import saved_through_service
from apps.imports.selectors import import_kinds_for
from apps.problems.models import Meeting
from apps.projects.forms import apply_service_errors

from . import selectors, services
from .forms import (
    AdvanceForm,
    ContactForm,
    ExitForm,
    FollowUpForm,
    FundsForm,
    LeadForm,
    NoticeForm,
    RegisteredForm,
    SignForm,
    StartForm,
    SuperviseForm,
)
from .models import FINAL_STAGES, PIPELINE, SIGNED_OR_LATER, LeadStage

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


@login_required
def lead_list(request):
    user = request.user
    filterset = selectors.lead_filterset(user=user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.stage_counts(user=user)
    context = {
        "filterset": filterset,
        "page": page,
        "leads": selectors.with_lateness(page.object_list),
        "count": page.paginator.count,
        "stages": [{"stage": stage, "count": counts.get(stage.value, 0)} for stage in LeadStage],
        "scope": selectors.scope_label(user=user),
        "can_register": user.role in services.LEAD_REGISTRARS,
        "can_import": "leads" in import_kinds_for(user=user),
        "can_export": True,
        "can_audit_reads": selectors.can_audit_reads(user=user),
        "query": request.GET.urlencode(),
    }
    return render(request, "attraction/list.html", context)


@login_required
def personal_data_reads(request):
    """个人信息读取记录: who read which lead's investor contacts, when and how."""
    if not selectors.can_audit_reads(user=request.user):
        raise PermissionDenied(_("仅审计、审计管理员和市发改委管理员可查看个人信息读取记录。"))
    page = Paginator(selectors.personal_data_reads(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "attraction/reads.html", {"page": page})


@login_required
def dashboard_card(request):
    """The dashboard's 招商引资与谋划储备 card (loaded by htmx, so the dashboard's own view is
    untouched): the speeches' figures over the user's whole scope, each linking to its list."""
    from apps.reserve import selectors as reserve_selectors

    user = request.user
    context = {
        "leads": selectors.lead_figures(user=user),
        "lead_scope": selectors.scope_label(user=user),
        "reserve": reserve_selectors.reserve_figures(user=user, year=timezone.localdate().year),
    }
    return render(request, "attraction/_dashboard_card.html", context)


@login_required
def lead_export(request):
    """招商线索清单 (.xlsx) of the list's scope and filters; every export is recorded."""
    from apps.exports.views import file_response

    from .exports import lead_list_export

    filterset = selectors.lead_filterset(user=request.user, params=request.GET, request=request)
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未导出。"))
        return redirect("attraction:list")
    return file_response(lead_list_export(actor=request.user, queryset=filterset.qs, filters=request.GET))


@login_required
def figures(request):
    user = request.user
    data = selectors.lead_figures(user=user, scope_label=selectors.scope_label(user=user))
    top = max((figure.value for figure in data.funnel), default=0) or 1
    current = {figure.code.split(":")[1]: figure for figure in data.by_stage}
    funnel = [
        {
            "reached": reached,
            "current": current[stage.value],
            "median": median,
            "width": round(reached.value * 100 / top),
        }
        for stage, reached, median in zip(PIPELINE, data.funnel, [*data.median_days, None], strict=True)
    ]
    context = {"figures": data, "funnel": funnel, "exited": current[LeadStage.EXITED.value]}
    return render(request, "attraction/figures.html", context)


@login_required
def lead_create(request):
    user = request.user
    if user.role not in services.LEAD_REGISTRARS:
        raise PermissionDenied(_("您的角色不能登记招商线索。"))
    form = LeadForm(request.POST or None, user=user)
    lead = saved_through_service(
        request,
        form,
        lambda: services.lead_register(
            actor=user, fields={name: value for name, value in form.cleaned_data.items() if value is not None}
        ),
        success=_("招商线索已登记。"),
    )
    if lead is not None:
        return redirect("attraction:detail", pk=lead.pk)
    return render(request, "attraction/lead_form.html", {"form": form, "lead": None})


@login_required
def lead_edit(request, pk: int):
    lead = selectors.lead_get(user=request.user, pk=pk, action="change")
    form = LeadForm(request.POST or None, instance=lead, user=request.user)

    def save():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        return services.lead_update(
            actor=request.user, lead_id=lead.pk, fields=fields, expected_version=form.cleaned_data["version"]
        )

    if saved_through_service(request, form, save, success=_("已保存。")) is not None:
        return redirect("attraction:detail", pk=lead.pk)
    return render(request, "attraction/lead_form.html", {"form": form, "lead": lead})


def _meetings(user):
    return Meeting.objects.restrict(user, "change").order_by("-held_on")


def _forms(user, lead, bound=None, step=None):
    """The work forms of the detail page; the one just posted comes back bound with its errors.
    The forms changing the lead itself carry the version the page was loaded at."""
    loaded = {"version": lead.version}
    builders = {
        "advance": lambda data: AdvanceForm(data, initial=loaded),
        "sign": lambda data: SignForm(data, initial=loaded),
        "registered": lambda data: RegisteredForm(data, initial=loaded),
        "start": lambda data: StartForm(data, initial=loaded),
        "exit": lambda data: ExitForm(data, initial=loaded),
        "follow_up": lambda data: FollowUpForm(data),
        "funds": lambda data: FundsForm(data),
        "notice": lambda data: NoticeForm(data),
        "contact": lambda data: ContactForm(data),
        "supervise": lambda data: SuperviseForm(data, meetings=_meetings(user)),
    }
    return {name: build(bound if name == step else None) for name, build in builders.items()}


def _detail_context(request, lead, forms=None):
    user = request.user
    lead = selectors.with_lateness([lead])[0]
    can_change = selectors.lead_can(user=user, lead=lead)
    stage = LeadStage(lead.stage)
    final = stage in FINAL_STAGES
    next_stage = PIPELINE[PIPELINE.index(stage) + 1] if not final else None
    from apps.problems.models import SupervisedAction

    return {
        "lead": lead,
        "can_change": can_change,
        "can_contacts": selectors.can_read_contacts(user=user, lead=lead),
        "forms": forms or _forms(user, lead),
        "final": final,
        "next_stage": next_stage,
        "signed": lead.stage in SIGNED_OR_LATER,
        "trail": [
            {"stage": s, "date": lead.stage_dates().get(s), "current": s == stage}
            for s in [*PIPELINE, LeadStage.EXITED]
        ],
        "actions": SupervisedAction.objects.restrict(user)
        .filter(investment_leads=lead)
        .select_related("owner", "meeting"),
        "can_supervise": can_change and _meetings(user).exists(),
    }


@login_required
def lead_detail(request, pk: int):
    lead = selectors.lead_get(user=request.user, pk=pk)
    return render(request, "attraction/detail.html", _detail_context(request, lead))


@login_required
def contacts(request, pk: int):
    """The investor contacts (personal data), loaded on demand; each read is logged."""
    lead = selectors.lead_get(user=request.user, pk=pk)
    people = selectors.lead_contacts(user=request.user, lead=lead, channel="page")
    return render(request, "attraction/_contacts.html", {"lead": lead, "contacts": people})


def _run_step(user, lead, step, data):
    lead_id = lead.pk
    data = dict(data)
    version = data.pop("version", None)
    if step == "advance":
        services.lead_advance(actor=user, lead_id=lead_id, expected_version=version, **data)
    elif step == "sign":
        services.lead_sign(actor=user, lead_id=lead_id, expected_version=version, **data)
    elif step == "registered":
        services.lead_mark_registered(actor=user, lead_id=lead_id, expected_version=version, **data)
    elif step == "start":
        services.lead_start(
            actor=user,
            lead_id=lead_id,
            on=data["on"],
            project_id=data["project"],
            project_code=data["project_code"],
            note=data["note"],
            expected_version=version,
        )
    elif step == "exit":
        services.lead_exit(actor=user, lead_id=lead_id, expected_version=version, **data)
    elif step == "follow_up":
        services.lead_follow_up(actor=user, lead_id=lead_id, **data)
    elif step == "funds":
        services.lead_funds_add(actor=user, lead_id=lead_id, **data)
    elif step == "notice":
        services.lead_notice_issue(actor=user, lead_id=lead_id, **data)
    elif step == "contact":
        services.contact_add(actor=user, lead_id=lead_id, fields=data)
    elif step == "supervise":
        services.lead_supervise(
            actor=user,
            lead_id=lead_id,
            meeting_id=data["meeting"].pk,
            decision=data["decision"],
            owner=data["owner"],
            owner_person=data["owner_person"],
            deadline=data["deadline"],
        )


STEPS = ("advance", "sign", "registered", "start", "exit", "follow_up", "funds", "notice", "contact", "supervise")
STEP_DONE = {
    "advance": _("阶段已推进。"),
    "sign": _("已登记签约。"),
    "registered": _("已登记企业注册。"),
    "start": _("已开工并转入项目库。"),
    "exit": _("线索已退出。"),
    "follow_up": _("跟进情况已报送。"),
    "funds": _("到位资金已登记。"),
    "notice": _("通知书已登记。"),
    "contact": _("联系人已添加。"),
    "supervise": _("已列入跟踪督办。"),
}


@login_required
@require_POST
def lead_step(request, pk: int, step: str):
    user = request.user
    lead = selectors.lead_get(user=user, pk=pk, action="change")
    forms = _forms(user, lead, bound=request.POST, step=step)
    form = forms[step]
    if form.is_valid():
        try:
            _run_step(user, lead, step, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, STEP_DONE[step])
            return redirect("attraction:detail", pk=lead.pk)
    lead = selectors.lead_get(user=user, pk=pk)
    context = _detail_context(request, lead, forms=forms)
    context["open_step"] = step
    return render(request, "attraction/detail.html", context, status=422)
