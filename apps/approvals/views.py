"""Approval and factor-support pages. Views declare and delegate: reads go through
selectors, writes through services. Out of scope: 404; in scope but not allowed: 403.

Pages that list items first run the cheap part of the commitment clock (deemed approvals of
the user's visible items), so nobody sees an item overdue that the rule has already approved.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.audit.selectors import change_views
from apps.core.exceptions import ConcurrentEditError
from apps.exports.lists import list_export_response
from apps.projects import selectors as project_selectors
from apps.projects.forms import apply_service_errors

from . import exports, selectors, services
from .forms import (
    AcceptForm,
    AddItemForm,
    DecideForm,
    FactorNeedForm,
    IntakeForm,
    ItemManageForm,
    SubmitForm,
    SupplementForm,
)
from .models import CLOCK_STATUSES, OPEN_STATUSES, ItemStatus

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


def _tick(user) -> None:
    services.commitment_clock_on_page(queryset=selectors.item_queryset(user=user))


def _calendar_warning(request, outcome) -> None:
    if outcome.calendar_error:
        messages.warning(request, outcome.calendar_error)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- lists -----------------------------------------------------------------------------------


def _filtered(request, items):
    """The list's FilterSet over `items` (already the user's scope) and its rows; bad filters
    give no rows."""
    filterset = selectors.ApprovalItemFilterSet(request.GET, queryset=items, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())


@login_required
def items(request):
    """审批事项: every item in the user's scope through the list's filters; 审批统计's counts
    open it filtered to the items they count."""
    user = request.user
    _tick(user)
    filterset, queryset = _filtered(request, selectors.item_list(user=user).order_by("-late", "due_date", "pk"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows, calendar_error = selectors.with_elapsed(page.object_list)
    context = {"page": page, "items": rows, "filterset": filterset, "calendar_error": calendar_error}
    return render(request, "approvals/items.html", context)


@login_required
def items_export(request, fmt: str):
    _, rows = _filtered(request, selectors.item_list(user=request.user).order_by("-late", "due_date", "pk"))
    return list_export_response(request, fmt, queryset=rows, layout=exports.ITEMS)


@login_required
def worklist_export(request, fmt: str):
    _, items = _filtered(request, selectors.worklist(user=request.user))
    return list_export_response(request, fmt, queryset=items, layout=exports.WORKLIST)


@login_required
def overdue_export(request, fmt: str):
    _, items = _filtered(request, selectors.overdue_list(user=request.user))
    items = items.order_by("due_date", "pk")
    return list_export_response(request, fmt, queryset=items, layout=exports.OVERDUE)


@login_required
def worklist(request):
    """我的待办: a department's pending items, overdue first; others filter by department."""
    user = request.user
    _tick(user)
    filterset, queryset = _filtered(request, selectors.worklist(user=user))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    items, calendar_error = selectors.with_elapsed(page.object_list)
    context = {
        "page": page,
        "items": items,
        "filterset": filterset,
        "calendar_error": calendar_error,
        "own_department": user.role == "department_user",
        "today": timezone.localdate(),
    }
    return render(request, "approvals/worklist.html", context)


@login_required
def overdue(request):
    """超期事项: every overdue item in the user's scope, the oldest due date first."""
    user = request.user
    _tick(user)
    filterset, queryset = _filtered(request, selectors.overdue_list(user=user))
    page = Paginator(queryset.order_by("due_date", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    items, calendar_error = selectors.with_elapsed(page.object_list)
    context = {"page": page, "items": items, "filterset": filterset, "calendar_error": calendar_error}
    return render(request, "approvals/overdue.html", context)


@login_required
def figures(request):
    _tick(request.user)
    return render(request, "approvals/figures.html", {"figures": selectors.figures(user=request.user)})


# --- a project's approvals ------------------------------------------------------------------


@login_required
def project_page(request, project_id: int):
    user = request.user
    project = project_selectors.project_get_through(
        user=user, pk=project_id, related=selectors.item_queryset(user=user)
    )
    _tick(user)
    items, calendar_error = selectors.with_elapsed(selectors.checklist(user=user, project=project))
    context = {
        "project": project,
        "items": items,
        "calendar_error": calendar_error,
        "timeline": selectors.timeline(user=user, project=project),
        "factors": selectors.factor_list(user=user, project=project),
        "intakes": selectors.project_intakes(user=user, project=project),
        "can_manage": project_selectors.project_can(user=user, project=project, action="change")
        and user.role in services.CHECKLIST_MANAGERS,
        "can_apply": project_selectors.project_can(user=user, project=project, action="change"),
    }
    return render(request, "approvals/project.html", context)


@login_required
@require_POST
def checklist_generate(request, project_id: int):
    project = project_selectors.project_get(user=request.user, pk=project_id, action="change")
    outcome = services.checklist_generate(actor=request.user, project_id=project.pk)
    _calendar_warning(request, outcome)
    if outcome.items:
        messages.success(request, _("已按项目类型生成 %(n)s 个审批事项。") % {"n": len(outcome.items)})
    else:
        messages.info(request, _("审批清单已包含适用的全部事项。"))
    return redirect("approvals:project", project_id=project.pk)


@login_required
def item_add(request, project_id: int):
    project = project_selectors.project_get(user=request.user, pk=project_id, action="change")
    if request.user.role not in services.CHECKLIST_MANAGERS:
        raise PermissionDenied
    form = AddItemForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.item_create(
                actor=request.user, project_id=project.pk, item_type_id=form.cleaned_data["item_type"].pk
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _calendar_warning(request, outcome)
            messages.success(request, _("审批事项已添加。"))
            return redirect("approvals:project", project_id=project.pk)
    return render(request, "approvals/form.html", {"form": form, "project": project, "title": _("添加审批事项")})


@login_required
def intake(request, project_id: int):
    """统一接件: one application, its items routed to their departments at once."""
    project = project_selectors.project_get(user=request.user, pk=project_id, action="change")
    ready = selectors.ready_items(user=request.user, project=project)
    form = IntakeForm(request.POST or None, ready=ready)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.intake_register(
                actor=request.user,
                project_id=project.pk,
                item_ids=[int(pk) for pk in data["items"]],
                received_on=data["received_on"],
                applicant=data["applicant"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已登记接件 %(number)s，%(n)s 个事项已同时分送审批部门。")
                % {"number": registered.number, "n": len(data["items"])},
            )
            return redirect("approvals:project", project_id=project.pk)
    return render(request, "approvals/intake.html", {"form": form, "project": project, "ready": ready})


# --- one item ---------------------------------------------------------------------------------


@login_required
def item_detail(request, pk: int):
    user = request.user
    _tick(user)
    item = selectors.item_get(user=user, pk=pk)
    [item], calendar_error = selectors.with_elapsed([item])
    can_handle = selectors.item_can(user=user, item=item, action="handle")
    can_apply = selectors.item_can(user=user, item=item, action="apply")
    today = timezone.localdate()
    context = {
        "item": item,
        "calendar_error": calendar_error,
        "depends_on": item.depends_on.select_related("item_type"),
        "history": change_views(selectors.item_history(user=user, item=item)),
        "can_manage": selectors.item_can(user=user, item=item, action="manage"),
        "can_submit": can_apply and item.status in selectors.SUBMITTABLE,
        "can_withdraw": can_apply and item.status in OPEN_STATUSES,
        "can_accept": can_handle and item.status == ItemStatus.SUBMITTED,
        "can_supplement": can_handle and item.status == ItemStatus.ACCEPTED_WITH_GAPS,
        "can_decide": can_handle and item.status in CLOCK_STATUSES,
        "submit_form": SubmitForm(initial={"submitted_on": today}),
        "accept_form": AcceptForm(initial={"accepted_on": today}),
        "supplement_form": SupplementForm(initial={"supplemented_on": today}),
        "decide_form": DecideForm(initial={"decided_on": today}),
    }
    return render(request, "approvals/item.html", context)


@login_required
def item_edit(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk, action="manage")
    form = ItemManageForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.item_update(
                actor=request.user,
                item_id=item.pk,
                fields=form.service_fields(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            _calendar_warning(request, outcome)
            messages.success(request, _("审批事项已保存。"))
            return redirect("approvals:item", pk=item.pk)
    title = _("修改审批事项：%(name)s") % {"name": item.item_type.name}
    return render(request, "approvals/form.html", {"form": form, "project": item.project, "title": title})


@login_required
@require_POST
def item_delete(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk, action="manage")
    try:
        services.item_delete(
            actor=request.user, item_id=item.pk, expected_version=_int_or_none(request.POST.get("version"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("approvals:item", pk=item.pk)
    except ConcurrentEditError as error:
        messages.error(request, str(error))
        return redirect("approvals:item", pk=item.pk)
    messages.success(request, _("审批事项已从清单中删除。"))
    return redirect("approvals:project", project_id=item.project_id)


# action: (the scope it needs, the form, the service call, the success message)
ACTIONS = {
    "submit": ("apply", SubmitForm, lambda user, item, data, version: services.item_submit(
        actor=user, item_id=item.pk, expected_version=version, **data), _("事项已申报。")),
    "withdraw": ("apply", None, lambda user, item, data, version: services.item_withdraw(
        actor=user, item_id=item.pk, expected_version=version), _("事项已撤回。")),
    "accept": ("handle", AcceptForm, lambda user, item, data, version: services.item_accept(
        actor=user, item_id=item.pk, expected_version=version, **data), _("事项已受理。")),
    "supplement": ("handle", SupplementForm, lambda user, item, data, version: services.item_supplement(
        actor=user, item_id=item.pk, expected_version=version, **data), _("补正材料已登记。")),
    "approve": ("handle", DecideForm, lambda user, item, data, version: services.item_decide(
        actor=user, item_id=item.pk, approve=True, expected_version=version, **data), _("事项已批复。")),
    "reject": ("handle", DecideForm, lambda user, item, data, version: services.item_decide(
        actor=user, item_id=item.pk, approve=False, expected_version=version, **data), _("事项已办结（不予批准）。")),
}  # fmt: skip


@login_required
@require_POST
def item_action(request, pk: int, action: str):
    scope, form_class, call, success = ACTIONS[action]
    item = selectors.item_get(user=request.user, pk=pk, action=scope)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
            return redirect("approvals:item", pk=item.pk)
        data = form.cleaned_data
    version = _int_or_none(request.POST.get("version"))
    if version is None:  # without the version the page was loaded at, the last writer would win
        messages.error(request, _("修改时必须提交编辑时加载的版本号。"))
        return redirect("approvals:item", pk=item.pk)
    try:
        result = call(request.user, item, data, version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    else:
        if isinstance(result, services.Outcome):
            _calendar_warning(request, result)
        messages.success(request, success)
    return redirect("approvals:item", pk=item.pk)


# --- factor needs ----------------------------------------------------------------------------


@login_required
def factor_edit(request, project_id: int, pk: int | None = None):
    user = request.user
    project = project_selectors.project_get(user=user, pk=project_id)
    if pk is None:
        if not (
            user.role in services.CHECKLIST_MANAGERS
            and project_selectors.project_can(user=user, project=project, action="change")
        ):
            raise PermissionDenied
        need = None
    else:
        need = selectors.factor_get(user=user, pk=pk, action="change")
        if need.project_id != project.pk:
            raise PermissionDenied
    limited = services.FACTOR_DEPARTMENT_FIELDS if user.role == "department_user" else None
    form = FactorNeedForm(request.POST or None, instance=need, limited_to=limited)
    if request.method == "POST" and form.is_valid():
        try:
            if need is None:
                services.factor_need_create(actor=user, project_id=project.pk, fields=form.service_fields())
            else:
                services.factor_need_update(
                    actor=user,
                    need_id=need.pk,
                    fields=form.service_fields(),
                    expected_version=form.cleaned_data["version"],
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("要素需求已保存。"))
            return redirect("approvals:project", project_id=project.pk)
    return render(request, "approvals/form.html", {"form": form, "project": project, "title": _("要素需求")})


@login_required
@require_POST
def factor_delete(request, project_id: int, pk: int):
    need = selectors.factor_get(user=request.user, pk=pk, action="delete")
    try:
        services.factor_need_delete(
            actor=request.user, need_id=need.pk, expected_version=_int_or_none(request.POST.get("version"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("approvals:project", project_id=need.project_id)
    except ConcurrentEditError as error:
        messages.error(request, str(error))
        return redirect("approvals:project", project_id=need.project_id)
    messages.success(request, _("要素需求已删除。"))
    return redirect("approvals:project", project_id=need.project_id)
