"""Problem, letter, meeting and supervised-action pages. Views declare and delegate: reads
go through selectors, writes through services. Out of scope: 404; in scope but not
allowed: 403."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.dashboard import selectors as dashboard_selectors
from apps.exports.lists import list_export_response
from apps.projects import selectors as project_selectors
from apps.projects.forms import apply_service_errors

from . import exports, selectors, services
from .forms import (
    ActionForm,
    DecisionForm,
    EscalateForm,
    LetterForm,
    MeetingForm,
    ProblemForm,
    ProgressForm,
    ReasonForm,
    ResolveForm,
    ResponseForm,
)
from .letters import letter_document_response
from .models import ESCALATABLE_STATUSES, MEETING_LEVEL, MeetingKind, ProblemStatus, next_level

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- problems -------------------------------------------------------------------


@login_required
def problem_list(request):
    """The city's open and overdue problems by level and type, with the shared filters."""
    filterset = selectors.problem_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "count": page.paginator.count,
        "matrix": selectors.level_type_matrix(queryset=selectors.problem_queryset(user=request.user)),
        "today": timezone.localdate(),
    }
    return render(request, "problems/list.html", context)


@login_required
def problem_export(request, fmt: str):
    """问题清单 as .xlsx/.csv: the list's filters over the user's problems, every page."""
    filterset = selectors.problem_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return list_export_response(request, fmt, queryset=queryset, layout=exports.PROBLEMS)


@login_required
def problem_create(request, project_id: int):
    project = project_selectors.project_get(user=request.user, pk=project_id)
    if request.user.role not in services.PROBLEM_RAISERS:
        raise PermissionDenied(_("您的角色不能提出问题。"))
    form = ProblemForm(request.POST or None, initial={"coordinating_leader": project.lead_official_id})
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_raise(actor=request.user, project_id=project.pk, fields=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("问题已登记。"))
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/problem_form.html", {"form": form, "project": project, "problem": None})


@login_required
def problem_edit(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk, action="handle")
    form = ProblemForm(request.POST or None, instance=problem)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(actor=request.user, problem_id=problem.pk, fields=form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("问题已保存。"))
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/problem_form.html", {"form": form, "project": problem.project, "problem": problem})


@login_required
def problem_detail(request, pk: int):
    user = request.user
    problem = selectors.problem_get(user=user, pk=pk)
    can_handle = selectors.problem_can(user=user, problem=problem, action="handle")
    following = next_level(problem.level)
    context = {
        "problem": problem,
        **selectors.problem_detail_relations(user=user, problem=problem),
        "can_handle": can_handle and problem.status != ProblemStatus.CLOSED,
        "can_escalate": can_handle and following is not None and problem.status in ESCALATABLE_STATUSES,
        "can_letter": can_handle and user.role in services.LETTER_ISSUERS and problem.status != ProblemStatus.CLOSED,
        "can_confirm": problem.raised_by_id == user.pk and problem.status == ProblemStatus.RESOLVED,
        "next_level": following,
        "action_form": ActionForm(initial={"taken_on": timezone.localdate()}),
        "escalate_form": EscalateForm(initial={"to_level": following}),
        "today": timezone.localdate(),
    }
    return render(request, "problems/detail.html", context)


def _step_action(request, problem):
    form = ActionForm(request.POST)
    form.is_valid()
    services.problem_action_add(
        actor=request.user,
        problem_id=problem.pk,
        description=form.data.get("description", ""),
        taken_on=form.cleaned_data.get("taken_on"),
    )
    return _("协调措施已记录。")


def _step_escalate(request, problem):
    form = EscalateForm(request.POST)
    services.problem_escalate(
        actor=request.user,
        problem_id=problem.pk,
        to_level=form.data.get("to_level", ""),
        reason=form.data.get("reason", ""),
    )
    return _("问题已提请上一级协调。")


def _step_resolve(request, problem):
    services.problem_resolve(
        actor=request.user, problem_id=problem.pk, resolution=ResolveForm(request.POST).data.get("resolution", "")
    )
    return _("问题已标记为已解决，待提出人确认销号。")


def _step_defer(request, problem):
    services.problem_defer(actor=request.user, problem_id=problem.pk, reason=request.POST.get("reason", ""))
    return _("问题已标记为暂不能解决。")


def _step_reopen(request, problem):
    services.problem_reopen(actor=request.user, problem_id=problem.pk, reason=request.POST.get("reason", ""))
    return _("问题已重新协调。")


def _step_confirm(request, problem):
    services.problem_confirm(actor=request.user, problem_id=problem.pk)
    return _("问题已确认销号。")


def _step_reject(request, problem):
    services.problem_reject_resolution(
        actor=request.user, problem_id=problem.pk, reason=ReasonForm(request.POST).data.get("reason", "")
    )
    return _("已退回，问题继续协调。")


# step: (the right it needs, what it does)
STEPS = {
    "action": ("handle", _step_action),
    "escalate": ("handle", _step_escalate),
    "resolve": ("handle", _step_resolve),
    "defer": ("handle", _step_defer),
    "reopen": ("handle", _step_reopen),
    "confirm": ("confirm", _step_confirm),
    "reject": ("confirm", _step_reject),
}


@login_required
@require_POST
def problem_step(request, pk: int, step: str):
    right, run = STEPS[step]
    problem = selectors.problem_get(user=request.user, pk=pk, action=right)
    try:
        message = run(request, problem)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, message)
    return redirect("problems:detail", pk=problem.pk)


# --- leader, department, figures, timeline -------------------------------------------


@login_required
def leader_page(request):
    user = request.user
    if user.role != Role.CITY_LEADER or not user.person_id:
        raise PermissionDenied(_("只有市级包抓领导有此页面。"))
    context = {
        "problems": selectors.leader_problems(user=user),
        "waiting": selectors.waiting_for_leader(user=user),
        "confirm": selectors.awaiting_my_confirmation(user=user),
        "leader": user.person,
        "today": timezone.localdate(),
    }
    return render(request, "problems/leader.html", context)


@login_required
def leader_export(request, fmt: str):
    if request.user.role != Role.CITY_LEADER or not request.user.person_id:
        raise PermissionDenied(_("只有市级包抓领导有此页面。"))
    queryset = selectors.leader_problems(user=request.user)
    return list_export_response(request, fmt, queryset=queryset, layout=exports.LEADER_PROBLEMS)


@login_required
def department_queue(request):
    queue = selectors.department_queue(user=request.user)
    context = {
        "queue": queue,
        "confirm": selectors.awaiting_my_confirmation(user=request.user),
        "department": request.user.organisation,
        "today": timezone.localdate(),
    }
    return render(request, "problems/queue.html", context)


@login_required
def figures(request):
    return render(request, "problems/figures.html", {"figures": selectors.problem_figures(user=request.user)})


@login_required
def not_started(request):
    """The dashboard's 应开未开 projects (same region, period and set) with their problems."""
    query = dashboard_selectors.dashboard_query(user=request.user, params=request.GET)
    rows = selectors.not_started_with_problems(
        user=request.user, region=query.region, year=query.year, month=query.month, project_set=query.project_set
    )
    context = {
        "query": query,
        "rows": rows,
        "without_problems": sum(1 for row in rows if not row["open_problems"]),
        "dashboard_url": query.url("dashboard:index"),
    }
    return render(request, "problems/not_started.html", context)


@login_required
def project_timeline(request, project_id: int):
    project = project_selectors.project_get_through(
        user=request.user, pk=project_id, related=selectors.problem_queryset(user=request.user)
    )
    context = {
        "project": project,
        "events": selectors.project_timeline(user=request.user, project=project),
        "problems": selectors.problem_queryset(user=request.user).with_list_relations().filter(project=project),
        "can_raise": request.user.role in services.PROBLEM_RAISERS,
        "today": timezone.localdate(),
    }
    return render(request, "problems/timeline.html", context)


# --- letters --------------------------------------------------------------------


@login_required
def letter_create(request, pk: int):
    problem = selectors.problem_get(user=request.user, pk=pk, action="handle")
    if request.user.role not in services.LETTER_ISSUERS:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以发函。"))
    initial = {
        "addressee": problem.responsible_department_id,
        "deadline": problem.deadline,
        "matter": problem.description,
    }
    form = LetterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_issue(
                actor=request.user,
                problem_id=problem.pk,
                kind=form.cleaned_data["kind"],
                matter=form.cleaned_data["matter"],
                deadline=form.cleaned_data["deadline"],
                addressee=form.cleaned_data["addressee"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("函件 %(reference)s 已生成。") % {"reference": letter.reference})
            return redirect("problems:letter", pk=letter.pk)
    return render(request, "problems/letter_form.html", {"form": form, "problem": problem})


@login_required
def letter_list(request):
    filterset = selectors.letter_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "problems/letters.html", {"filterset": filterset, "page": page})


@login_required
def letter_export(request, fmt: str):
    filterset = selectors.letter_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return list_export_response(request, fmt, queryset=queryset, layout=exports.LETTERS)


@login_required
def letter_detail(request, pk: int):
    letter = selectors.letter_get(user=request.user, pk=pk)
    can_respond = selectors.letter_queryset(user=request.user, action="respond").filter(pk=pk).exists()
    context = {
        "letter": letter,
        "can_respond": can_respond,
        "form": ResponseForm(initial={"responded_on": timezone.localdate(), "response": letter.response}),
    }
    return render(request, "problems/letter.html", context)


@login_required
def letter_download(request, pk: int):
    return letter_document_response(selectors.letter_get(user=request.user, pk=pk, with_document=True))


@login_required
@require_POST
def letter_respond(request, pk: int):
    letter = selectors.letter_get(user=request.user, pk=pk, action="respond")
    form = ResponseForm(request.POST)
    form.is_valid()
    try:
        services.letter_respond(
            actor=request.user,
            letter_id=letter.pk,
            response=form.data.get("response", ""),
            responded_on=form.cleaned_data.get("responded_on"),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("办理情况已反馈。"))
    return redirect("problems:letter", pk=letter.pk)


# --- meetings -------------------------------------------------------------------


@login_required
def meeting_list(request):
    meetings = selectors.meeting_queryset(user=request.user).select_related("region", "chair")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = request.user.role in services.MEETING_ORGANISERS and request.user.region_id is not None
    return render(request, "problems/meetings.html", {"page": page, "can_create": can_create})


@login_required
def meeting_export(request, fmt: str):
    queryset = exports.meetings_for_export(selectors.meeting_queryset(user=request.user))
    return list_export_response(request, fmt, queryset=queryset, layout=exports.MEETINGS)


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@login_required
def meeting_create(request):
    """Choose the kind and date; KeyProjects proposes the agenda, the organiser keeps or
    drops its problems and projects and saves the meeting."""
    user = request.user
    if user.role not in services.MEETING_ORGANISERS or user.region_id is None:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以组织会议。"))
    data = request.POST if request.method == "POST" else None
    kind = (data or request.GET).get("kind") or MeetingKind.MONTHLY_DISPATCH
    kind = kind if kind in MeetingKind.values else MeetingKind.MONTHLY_DISPATCH
    held_on = parse_date((data or request.GET).get("held_on") or "") or timezone.localdate()
    initial = {"kind": kind, "held_on": held_on, "title": _default_title(kind, held_on, user.region.name)}
    form = MeetingForm(data, initial=initial)
    agenda = selectors.proposed_agenda(user=user, kind=kind, region=user.region, on=held_on)
    if data is not None and "save" in data and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=user,
                fields=form.cleaned_data,
                problems=selectors.problem_queryset(user=user).filter(pk__in=_ids(data.getlist("problems"))),
                projects=project_selectors.project_queryset(user=user).filter(pk__in=_ids(data.getlist("projects"))),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("会议已创建。"))
            return redirect("problems:meeting", pk=meeting.pk)
    return render(request, "problems/meeting_form.html", {"form": form, "agenda": agenda, "kind": kind})


def _default_title(kind: str, held_on: datetime.date, region_name: str) -> str:
    return _("%(region)s%(year)s年%(month)s月%(kind)s") % {
        "region": region_name,
        "year": held_on.year,
        "month": held_on.month,
        "kind": MeetingKind(kind).label,
    }


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = selectors.meeting_get(user=user, pk=pk)
    can_change = selectors.meeting_can_change(user=user, meeting=meeting)
    problems = selectors.problem_queryset(user=user).filter(meetings=meeting).with_list_relations()
    context = {
        "meeting": meeting,
        "level": MEETING_LEVEL[meeting.kind],
        "problems": problems,
        "projects": project_selectors.project_queryset(user=user).filter(meetings=meeting).with_list_relations(),
        "actions": selectors.supervised_action_queryset(user=user)
        .filter(meeting=meeting)
        .select_related("owner", "owner_person"),
        "agenda": selectors.proposed_agenda(user=user, kind=meeting.kind, region=meeting.region, on=meeting.held_on)
        if can_change
        else None,
        "can_change": can_change,
        "minutes_form": MeetingForm(instance=meeting),
        "decision_form": DecisionForm(problems=problems, initial={"deadline": meeting.held_on}),
    }
    return render(request, "problems/meeting.html", context)


def _meeting_parts(user, meeting):
    problems = list(selectors.problem_queryset(user=user).filter(meetings=meeting).with_list_relations())
    projects = list(
        project_selectors.project_queryset(user=user).filter(meetings=meeting).with_list_relations().order_by("name")
    )
    actions = list(
        selectors.supervised_action_queryset(user=user).filter(meeting=meeting).select_related("owner", "owner_person")
    )
    return problems, projects, actions


@login_required
def meeting_document(request, pk: int, which: str):
    """The meeting's agenda (议程) or minutes (纪要) as a Word file (GB/T 9704)."""
    from . import meeting_documents

    meeting = selectors.meeting_get(user=request.user, pk=pk)
    problems, projects, actions = _meeting_parts(request.user, meeting)
    if which == "agenda":
        content = meeting_documents.meeting_agenda_docx(meeting, problems=problems, projects=projects)
    else:
        content = meeting_documents.meeting_minutes_docx(meeting, problems=problems, actions=actions)
    return meeting_documents.docx_response(content, f"meeting-{meeting.pk}-{which}.docx")


@login_required
@require_POST
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk, action="change")
    form = MeetingForm(request.POST, instance=meeting)
    if form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting_id=meeting.pk, fields=form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("会议纪要已保存。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("problems:meeting", pk=meeting.pk)


@login_required
@require_POST
def decision_create(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk, action="change")
    problems = selectors.problem_queryset(user=request.user).filter(meetings=meeting)
    form = DecisionForm(request.POST, problems=problems)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("problems:meeting", pk=meeting.pk)
    try:
        services.decision_record(
            actor=request.user,
            meeting_id=meeting.pk,
            decision=form.cleaned_data["decision"],
            owner=form.cleaned_data["owner"],
            deadline=form.cleaned_data["deadline"],
            problems=form.cleaned_data["problems"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("议定事项已列入督办。"))
    return redirect("problems:meeting", pk=meeting.pk)


# --- supervised actions -----------------------------------------------------------


@login_required
def action_list(request):
    filterset = selectors.supervised_action_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "problems/actions.html", {"filterset": filterset, "page": page})


@login_required
def action_export(request, fmt: str):
    """督办事项 (a meeting's decisions with ?meeting=) as .xlsx/.csv, the list's filters."""
    filterset = selectors.supervised_action_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return list_export_response(request, fmt, queryset=queryset, layout=exports.ACTIONS)


@login_required
def action_detail(request, pk: int):
    item = selectors.supervised_action_get(user=request.user, pk=pk)
    context = {
        "item": item,
        "projects": project_selectors.project_queryset(user=request.user).filter(supervised_actions=item),
        "problems": selectors.problem_queryset(user=request.user).filter(supervised_actions=item),
        "can_report": selectors.supervised_action_can(user=request.user, item=item, action="report"),
        "can_close": selectors.supervised_action_can(user=request.user, item=item, action="close"),
        # Whoever must carry out a decision sees it, not always the meeting that took it.
        "meeting_visible": selectors.meeting_queryset(user=request.user).filter(pk=item.meeting_id).exists(),
        "form": ProgressForm(),
    }
    return render(request, "problems/action.html", context)


@login_required
@require_POST
def action_step(request, pk: int, step: str):
    right = "report" if step == "report" else "close"
    item = selectors.supervised_action_get(user=request.user, pk=pk, action=right)
    try:
        if step == "report":
            services.supervised_action_report(
                actor=request.user,
                action_id=item.pk,
                progress=request.POST.get("progress", ""),
                done=bool(request.POST.get("done")),
            )
        elif step == "close":
            services.supervised_action_close(actor=request.user, action_id=item.pk)
        else:
            services.supervised_action_reopen(
                actor=request.user, action_id=item.pk, reason=request.POST.get("reason", "")
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("督办事项已更新。"))
    return redirect("problems:action", pk=item.pk)
