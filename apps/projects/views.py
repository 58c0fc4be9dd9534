"""Project pages. Views declare and delegate: reads go through selectors, writes through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.audit.selectors import change_views
from apps.core.exceptions import ConcurrentEditError
from apps.exports import views as export_views

from . import selectors, services
from .forms import AnnualPlanForm, MilestoneForm, ProjectForm, apply_service_errors
from .overview import project_overview


@login_required
def project_list(request):
    filterset = selectors.project_filterset(user=request.user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    totals = selectors.project_totals(queryset=queryset)
    page = Paginator(queryset, settings.PROJECTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "totals": totals,
        "can_create": request.user.role in services.PROJECT_CREATORS,
        "export_view": "projects:export",
        "year": timezone.localdate().year,
    }
    template = "projects/_list_results.html" if request.htmx else "projects/list.html"
    return render(request, template, context)


# The list's Excel/CSV export lives in apps/exports (official layout, recorded); the old URL stays.
project_export = export_views.project_list_export


@login_required
def project_detail(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk)
    context = {
        "project": project,
        "partner_units": project.partner_units.all(),
        "annual_plans": selectors.annual_plan_list(user=request.user, project=project),
        "milestones": selectors.milestone_list(user=request.user, project=project),
        "history": change_views(selectors.project_history(user=request.user, project=project)[:100]),
        "can_change": selectors.project_can(user=request.user, project=project, action="change"),
        "can_delete": request.user.role == Role.CITY_ADMIN,
        "can_plan": services.annual_plans_editable_by(user=request.user),
        "today": timezone.localdate(),
        **_latest_report(request.user, project),
        "overview": project_overview(user=request.user, project=project, today=timezone.localdate()),
    }
    return render(request, "projects/detail.html", context)


def _latest_report(user, project) -> dict:
    """The latest report's 形象进度 and the project's progress photos, for the overview."""
    from apps.reporting import photos
    from apps.reporting import selectors as report_selectors

    latest = report_selectors.report_list(user=user).filter(project=project).order_by("-year", "-month").first()
    return {"latest_report": latest, "photos": list(photos.photo_list(user=user, project=project)[:12])}


@login_required
def project_create(request):
    if request.user.role not in services.PROJECT_CREATORS:
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, fields=form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("项目已创建。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project_id=project.pk,
                expected_version=form.cleaned_data["version"] or 0,
                fields=form.service_fields(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("项目已保存。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "project": project})


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def project_delete(request, pk: int):
    project = selectors.project_get(user=request.user, pk=pk, action="delete")
    try:
        services.project_delete(
            actor=request.user, project_id=project.pk, expected_version=_int_or_zero(request.POST.get("version"))
        )
    except ConcurrentEditError as error:
        messages.error(request, str(error))
        return redirect("projects:detail", pk=project.pk)
    messages.success(request, _("项目“%(name)s”已删除。") % {"name": project.name})
    return redirect("projects:list")


# Annual plans and milestones share one edit flow: a small form page that saves
# through the child service and returns to the project page.
CHILDREN = {
    "plans": {
        "form": AnnualPlanForm,
        "get": selectors.annual_plan_get,
        "create": services.annual_plan_create,
        "update": services.annual_plan_update,
        "delete": services.annual_plan_delete,
        "id_arg": "plan_id",
        "allowed": services.annual_plans_editable_by,
        "title": _("年度计划"),
    },
    "milestones": {
        "form": MilestoneForm,
        "get": selectors.milestone_get,
        "create": services.milestone_create,
        "update": services.milestone_update,
        "delete": services.milestone_delete,
        "id_arg": "milestone_id",
        "allowed": lambda *, user: True,
        "title": _("节点"),
    },
}


@login_required
def child_edit(request, pk: int, kind: str, child_pk: int | None = None):
    spec = CHILDREN[kind]
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    if not spec["allowed"](user=request.user):
        raise PermissionDenied
    instance = spec["get"](user=request.user, project=project, pk=child_pk) if child_pk else None
    form = spec["form"](request.POST or None, instance=instance, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        version = form.cleaned_data.get("version")
        try:
            if instance is None:
                spec["create"](actor=request.user, project_id=project.pk, expected_version=version, fields=fields)
            else:
                spec["update"](
                    actor=request.user,
                    project_id=project.pk,
                    expected_version=version,
                    fields=fields,
                    **{spec["id_arg"]: child_pk},
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except ConcurrentEditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(what)s已保存。") % {"what": spec["title"]})
            return redirect("projects:detail", pk=project.pk)
    return render(
        request, "projects/child_form.html", {"form": form, "project": project, "title": spec["title"], "kind": kind}
    )


@login_required
@require_POST
def child_delete(request, pk: int, kind: str, child_pk: int):
    spec = CHILDREN[kind]
    project = selectors.project_get(user=request.user, pk=pk, action="change")
    if not spec["allowed"](user=request.user):
        raise PermissionDenied
    spec["get"](user=request.user, project=project, pk=child_pk)
    version = request.POST.get("version", "")
    try:
        spec["delete"](
            actor=request.user,
            project_id=project.pk,
            expected_version=int(version) if version.isdigit() else None,
            **{spec["id_arg"]: child_pk},
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:detail", pk=project.pk)
    except ConcurrentEditError as error:
        messages.error(request, str(error))
        return redirect("projects:detail", pk=project.pk)
    messages.success(request, _("%(what)s已删除。") % {"what": spec["title"]})
    return redirect("projects:detail", pk=project.pk)


@login_required
def my_projects(request):
    if request.user.role != Role.CITY_LEADER or not request.user.person_id:
        raise PermissionDenied(_("只有市级包抓领导有“我包抓的项目”页面。"))
    from apps.briefs import selectors as brief_selectors

    projects = list(selectors.leader_projects(user=request.user))
    totals = selectors.project_totals(queryset=selectors.leader_projects(user=request.user))
    # This year's plan, completion and light per project, as in the leader's brief.
    brief = brief_selectors.brief_get(user=request.user, person=request.user.person)
    progress = {item["id"]: item for item in brief.projects}
    for project in projects:
        project.progress = progress.get(project.pk)
    return render(
        request,
        "projects/mine.html",
        {
            "projects": projects,
            "totals": totals,
            "brief": brief,
            "leader": request.user.person,
            "today": timezone.localdate(),
        },
    )
