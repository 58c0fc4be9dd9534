"""Reads of the reserve and its figures; every function takes the acting user."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from apps.projects.models import AnnualPlan, Category, Project

from .models import IN_RESERVE, MATURITY_ORDER, CatalogueClass, Maturity, PlanningSource, ReserveProject, ReviewStatus


def reserve_queryset(*, user, action: str = "view"):
    return ReserveProject.objects.restrict(user, action)


def reserve_filterset(*, user, params, request=None):
    from .filters import ReserveFilterSet

    return ReserveFilterSet(
        params, queryset=reserve_queryset(user=user).with_list_relations(), request=request, user=user
    )


def reserve_get(*, user, pk: int, action: str = "view") -> ReserveProject:
    item = reserve_queryset(user=user).with_list_relations().filter(pk=pk).first()
    if item is None:
        raise Http404(_("储备项目不存在或不在您的权限范围内。"))
    if action != "view" and not reserve_can(user=user, item=item, action=action):
        raise PermissionDenied(_("您无权办理该储备项目。"))
    return item


def reserve_can(*, user, item, action: str) -> bool:
    return reserve_queryset(user=user, action=action).filter(pk=item.pk).exists()


def _share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Group:
    key: str
    label: str
    count: int
    investment: Decimal


@dataclass
class ReserveFigures:
    count: int
    investment: Decimal
    by_source: list
    by_category: list
    by_catalogue: list
    by_maturity: list
    by_region: list
    industry_share_reserve: Decimal | None
    infrastructure_share_reserve: Decimal | None
    industry_share_plan: Decimal | None
    infrastructure_share_plan: Decimal | None
    plan_year: int
    plan_count: int
    admitted_ever: int
    promoted: int
    promoted_started: int
    conversion_to_plan: Decimal | None
    conversion_to_start: Decimal | None
    industry_short: bool
    industry_ready: int = 0  # 成熟的产业项目: industry projects in the reserve ready to apply


def reserve_figures(*, user, year: int, region=None) -> ReserveFigures:
    """The reserve's figures over the user's scope. The reserve = admitted, not promoted.
    Shares are by count; the plan is the registry's projects with an annual plan for `year`
    (in the user's project scope). Conversion: of everything ever admitted (admitted,
    withdrawn or promoted), the share promoted into a plan, and of those the share started."""
    scoped = reserve_queryset(user=user)
    if region is not None:  # a region's figures (the speech, the bulletin): its subtree
        scoped = scoped.filter(region__code__startswith=region.code_prefix)
    reserve = scoped.filter(status__in=IN_RESERVE)

    def groups(field, enum, order=None):
        rows = {
            row[field]: row
            for row in reserve.values(field).annotate(n=Count("pk"), total=Sum("estimated_investment")).order_by()
        }
        keys = order or list(enum)
        return [
            Group(
                key.value,
                str(key.label),
                rows.get(key.value, {}).get("n", 0),
                rows.get(key.value, {}).get("total") or Decimal(0),
            )
            for key in keys
        ]

    by_region = [
        Group(str(row["region_id"]), row["region__name"], row["n"], row["total"])
        for row in reserve.values("region_id", "region__name")
        .annotate(n=Count("pk"), total=Sum("estimated_investment"))
        .order_by("region__code")
    ]
    total = reserve.aggregate(n=Count("pk"), total=Sum("estimated_investment"))
    categories = {row["category"]: row["n"] for row in reserve.values("category").annotate(n=Count("pk")).order_by()}
    plan = Project.objects.restrict(user).filter(annual_plans__year=year).distinct()
    if region is not None:
        plan = plan.filter(region__code__startswith=region.code_prefix)
    plan_categories = {
        row["category"]: row["n"] for row in plan.values("category").annotate(n=Count("pk", distinct=True)).order_by()
    }
    plan_count = sum(plan_categories.values())
    ever = scoped.filter(status__in=(ReviewStatus.ADMITTED, ReviewStatus.WITHDRAWN, ReviewStatus.PROMOTED)).count()
    promoted = scoped.filter(status=ReviewStatus.PROMOTED)
    started = promoted.filter(project__actual_start_date__isnull=False).count()
    promoted_n = promoted.count()
    industry_reserve = _share(categories.get(Category.INDUSTRY, 0), total["n"])
    infrastructure_reserve = _share(categories.get(Category.INFRASTRUCTURE, 0), total["n"])
    return ReserveFigures(
        count=total["n"],
        investment=total["total"] or Decimal(0),
        by_source=groups("planning_source", PlanningSource),
        by_category=groups("category", Category),
        by_catalogue=groups("catalogue_class", CatalogueClass),
        by_maturity=groups("maturity", Maturity, MATURITY_ORDER),
        by_region=by_region,
        industry_share_reserve=industry_reserve,
        infrastructure_share_reserve=infrastructure_reserve,
        industry_share_plan=_share(plan_categories.get(Category.INDUSTRY, 0), plan_count),
        infrastructure_share_plan=_share(plan_categories.get(Category.INFRASTRUCTURE, 0), plan_count),
        plan_year=year,
        plan_count=plan_count,
        admitted_ever=ever,
        promoted=promoted_n,
        promoted_started=started,
        conversion_to_plan=_share(promoted_n, ever),
        conversion_to_start=_share(started, promoted_n),
        # 产业项目谋划不足: fewer industry than infrastructure projects in the reserve.
        industry_short=bool(total["n"]) and (industry_reserve or 0) < (infrastructure_reserve or 0),
        industry_ready=reserve.filter(category=Category.INDUSTRY, maturity=Maturity.READY).count(),
    )


def speech_context(*, user, region, year: int) -> dict:
    """The reserve's figures for the speech page and the bulletin: key → (value, unit, title,
    url to the reserve projects behind it). None (暂无数据) while the user's scope and region
    hold no reserve project."""
    from django.urls import reverse
    from django.utils.http import urlencode

    figures = reserve_figures(user=user, year=year, region=region)
    recorded = bool(figures.count)
    base = {"status": ReviewStatus.ADMITTED, **({"region": region.pk} if region is not None else {})}
    scope = _("谋划储备库，您权限范围内")

    def entry(value, unit, label, definition, **filters):
        url = f"{reverse('reserve:list')}?{urlencode({**base, **filters})}"
        return (value if recorded else None, unit, f"{label}：{definition}（{scope}）", url, label)

    return {
        "count": entry(figures.count, "个", _("储备项目"), _("已入库、尚未转入年度计划的谋划项目")),
        "investment": entry(figures.investment, "万元", _("储备项目估算投资"), _("上述项目估算投资合计")),
        "industry_share": entry(
            figures.industry_share_reserve,
            "%",
            _("储备库产业项目占比"),
            _("产业项目个数 ÷ 储备项目个数"),
            category="industry",
        ),
        "infrastructure_share": entry(
            figures.infrastructure_share_reserve,
            "%",
            _("储备库基础设施项目占比"),
            _("基础设施项目个数 ÷ 储备项目个数"),
            category="infrastructure",
        ),
        "industry_ready": entry(
            figures.industry_ready,
            "个",
            _("成熟的产业储备项目"),
            _("成熟度为“具备申报条件”的产业类储备项目"),
            category="industry",
            maturity=Maturity.READY,
        ),
        "conversion_to_plan": entry(
            figures.conversion_to_plan,
            "%",
            _("储备转化率"),
            _("转入年度计划的项目 ÷ 曾入库的项目（含已退库、已转入）"),
        ),
    }


def department_review(*, user, department) -> dict:
    """The department half-day review (部门项目谋划半天会): the department's planned projects
    by maturity, with what is missing to move each up."""
    items = list(
        reserve_queryset(user=user).filter(proposer=department).with_list_relations().order_by("maturity", "name")
    )
    by_maturity = defaultdict(list)
    for item in items:
        by_maturity[item.maturity].append(item)
    return {
        "department": department,
        "rows": [{"maturity": m, "items": by_maturity.get(m.value, [])} for m in MATURITY_ORDER],
        "count": len(items),
        "investment": sum((item.estimated_investment for item in items), Decimal(0)),
    }


def plan_years_available(*, user) -> list[int]:
    return sorted(set(AnnualPlan.objects.restrict(user).values_list("year", flat=True)), reverse=True)
