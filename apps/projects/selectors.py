"""Reads of projects. Every function takes the acting user and starts from the
restricted queryset, so the UI, API, exports and leader page share one scope."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, Sum, When
from django.http import Http404
from django.utils import timezone

from apps.audit.models import ChangeRecord

from .filters import ProjectFilterSet
from .models import AnnualPlan, Milestone, Project, Stage


@dataclass(frozen=True)
class ProjectTotals:
    count: int
    total_investment: Decimal  # 万元


def project_queryset(*, user, action: str = "view"):
    return Project.objects.restrict(user, action)


def project_filterset(*, user, params, request=None) -> ProjectFilterSet:
    """Bind the shared FilterSet to the user's projects. Check `.is_valid()` before `.qs`."""
    queryset = project_queryset(user=user).with_list_relations()
    return ProjectFilterSet(params, queryset=queryset, request=request)


def project_totals(*, queryset) -> ProjectTotals:
    result = queryset.order_by().aggregate(count=Count("pk"), total=Sum("total_investment"))
    return ProjectTotals(count=result["count"], total_investment=result["total"] or Decimal(0))


def project_get(*, user, pk: int, action: str = "view") -> Project:
    """The project if the user may see it (else 404) and may do `action` on it (else 403)."""
    project = project_queryset(user=user).with_list_relations().filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或不在您的权限范围内。")
    if action != "view" and not project_queryset(user=user, action=action).filter(pk=pk).exists():
        raise PermissionDenied("您无权对该项目执行此操作。")
    return project


def project_get_through(*, user, pk: int, related) -> Project:
    """The project for a page about its problems or approval items: the project if the user
    sees it, else (read-only) if `related`, the user's own scoped queryset of those objects,
    has one on this project (a department handling an item or a problem on a project it
    neither leads nor partners). Otherwise 404."""
    project = project_queryset(user=user).with_list_relations().filter(pk=pk).first()
    if project is None and related.filter(project_id=pk).exists():
        project = Project.objects.with_list_relations().filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或不在您的权限范围内。")
    return project


def project_can(*, user, project: Project, action: str) -> bool:
    return project_queryset(user=user, action=action).filter(pk=project.pk).exists()


def annual_plan_list(*, user, project: Project):
    return AnnualPlan.objects.restrict(user).filter(project=project).order_by("year")


def annual_plan_get(*, user, project: Project, pk: int) -> AnnualPlan:
    plan = annual_plan_list(user=user, project=project).filter(pk=pk).first()
    if plan is None:
        raise Http404("年度计划不存在。")
    return plan


def milestone_list(*, user, project: Project):
    return Milestone.objects.restrict(user).filter(project=project).order_by("sequence", "baseline_date")


def milestone_get(*, user, project: Project, pk: int) -> Milestone:
    milestone = milestone_list(user=user, project=project).filter(pk=pk).first()
    if milestone is None:
        raise Http404("节点不存在。")
    return milestone


def project_history(*, user, project: Project):
    return (
        ChangeRecord.objects.restrict(user)
        .filter(project_id=project.pk)
        .select_related("content_type")
        .order_by("-time", "-id")
    )


# A leader looks first at what has not started, then at what is being built.
LEADER_STAGE_ORDER = [Stage.PRELIMINARY, Stage.UNDER_CONSTRUCTION, Stage.RESERVE, Stage.COMPLETED]


def leader_projects(*, user):
    """我包抓的项目: the projects whose lead official is the user's person,
    with how many of their milestones are past their baseline date and not done."""
    if not user.person_id:
        return project_queryset(user=user).none()
    today = timezone.localdate()
    stage_rank = Case(*(When(stage=stage, then=rank) for rank, stage in enumerate(LEADER_STAGE_ORDER)))
    return (
        project_queryset(user=user)
        .with_list_relations()
        .filter(lead_official_id=user.person_id)
        .annotate(
            overdue_milestones=Count(
                "milestones",
                filter=Q(milestones__actual_date__isnull=True, milestones__baseline_date__lt=today),
            ),
            stage_rank=stage_rank,
        )
        .order_by("stage_rank", "planned_start_date", "id")
    )
