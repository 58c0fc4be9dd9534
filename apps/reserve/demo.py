"""Demo project reserve for the demo city: about 150 planned projects.

Called by `apps.projects.demo.generate_demo` after the attraction demo (招商转化 projects come
from its signed leads). Writes, deterministically from the seed, planned projects from every
source, in every county, at every maturity, tier and review state (some returned, some
withdrawn with a reason, a few promoted into next year's plan as registry projects); and a
department half-day review (部门项目谋划会) with decisions as supervised actions.
Infrastructure outweighs industry, as the speech complains ("产业项目谋划不足").

An initial load: no change records.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from apps.attraction.demo import demo_city
from apps.problems.models import ActionStatus, Meeting, MeetingKind, SupervisedAction
from apps.projects.models import Category, Project, Stage
from apps.regions.models import Organisation, OrganisationKind

from .models import CatalogueClass, Maturity, PlanningSource, ReserveProject, ReviewStatus, Tier

DEFAULT_COUNT = 150
SUBJECTS = {
    Category.INFRASTRUCTURE: ["城市快速路", "污水处理厂提标改造", "综合管廊", "农村公路提升", "物流枢纽", "智慧停车场"],
    Category.INDUSTRY: ["新材料产业园", "钛及钛合金深加工", "新能源汽车零部件基地", "预制菜产业园", "数字经济产业园"],
    Category.SOCIAL: ["县医院迁建", "职业教育实训基地", "养老服务中心", "中学扩建"],
    Category.URBANISATION: ["老旧小区改造", "城中村改造", "县城商业街区提升"],
    Category.ECOLOGY: ["渭河生态修复", "矿山地质环境治理", "水土保持综合治理"],
}
CATEGORY_WEIGHTS = [
    (Category.INFRASTRUCTURE, 38),
    (Category.INDUSTRY, 26),
    (Category.SOCIAL, 14),
    (Category.URBANISATION, 12),
    (Category.ECOLOGY, 10),
]
SOURCE_WEIGHTS = [
    (PlanningSource.DEPARTMENT, 30),
    (PlanningSource.COUNTY, 28),
    (PlanningSource.TOWNSHIP, 12),
    (PlanningSource.ATTRACTION, 8),
    (PlanningSource.FUNDING, 12),
    (PlanningSource.PLANNING_MEETING, 10),
]
STATUS_WEIGHTS = [
    (ReviewStatus.SUBMITTED, 12),
    (ReviewStatus.FIRST_REVIEWED, 10),
    (ReviewStatus.ADMITTED, 62),
    (ReviewStatus.RETURNED, 7),
    (ReviewStatus.WITHDRAWN, 6),
]
PROPOSER_BY_CATEGORY = {
    Category.INFRASTRUCTURE: ["市交通运输局", "市住房和城乡建设局", "市水利局"],
    Category.INDUSTRY: ["市工业和信息化局", "市投资促进局", "市商务局"],
    Category.SOCIAL: ["市卫生健康委员会", "市教育局", "市民政局"],
    Category.URBANISATION: ["市住房和城乡建设局", "市自然资源和规划局"],
    Category.ECOLOGY: ["市生态环境局", "市林业局", "市水利局"],
}


@dataclasses.dataclass
class ReserveSummary:
    projects: int = 0
    promoted: int = 0
    decisions: int = 0


def _pick(rng, weights):
    return rng.choices([value for value, _ in weights], weights=[weight for _, weight in weights])[0]


def generate_reserve(*, seed: int, today: datetime.date, count: int = DEFAULT_COUNT) -> ReserveSummary:
    rng = random.Random(f"{seed}:reserve")
    summary = ReserveSummary()
    found = demo_city()
    if found is None:
        return summary
    admin, city, counties = found
    departments = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, region=city)}
    from apps.attraction.models import InvestmentLead

    leads = list(InvestmentLead.objects.filter(contract__isnull=False).order_by("pk")[:20])
    maturities = list(Maturity)
    items = []
    for number in range(count):
        category = _pick(rng, CATEGORY_WEIGHTS)
        source = _pick(rng, SOURCE_WEIGHTS)
        lead = leads[number % len(leads)] if source == PlanningSource.ATTRACTION and leads else None
        if source == PlanningSource.ATTRACTION and lead is None:
            source = PlanningSource.DEPARTMENT
        county = lead.region if lead else counties[number % len(counties)]
        proposer = departments.get(rng.choice(PROPOSER_BY_CATEGORY[category])) or next(iter(departments.values()))
        status = _pick(rng, STATUS_WEIGHTS)
        maturity = rng.choices(maturities, weights=[30, 30, 25, 15])[0]
        tier = rng.choices([Tier.FIVE_YEAR, Tier.ROLLING, Tier.ANNUAL], weights=[45, 35, 20])[0]
        proposed = today - datetime.timedelta(days=rng.randint(20, 700))
        catalogue = (
            CatalogueClass.ENCOURAGED
            if category == Category.INDUSTRY and rng.random() < 0.7
            else (CatalogueClass.NOT_LISTED if rng.random() < 0.9 else CatalogueClass.RESTRICTED)
        )
        subject = rng.choice(SUBJECTS[category])
        items.append(
            ReserveProject(
                name=lead.name.replace("项目", "二期项目") if lead else f"{county.name}{subject}项目",
                region=county,
                planning_source=source,
                proposer=proposer,
                category=category,
                catalogue_class=catalogue,
                industry_code=lead.industry_code if lead else "",
                scope=f"{subject}，含配套设施",
                estimated_investment=Decimal(rng.choice([3000, 5000, 8000, 12000, 20000, 35000, 50000, 80000, 150000])),
                maturity=maturity,
                tier=tier,
                planned_start_year=today.year + rng.choice([0, 1, 1, 2, 3]),
                status=status,
                proposed_on=proposed,
                first_reviewed_on=proposed + datetime.timedelta(days=15) if status != ReviewStatus.SUBMITTED else None,
                admitted_on=proposed + datetime.timedelta(days=40)
                if status in (ReviewStatus.ADMITTED, ReviewStatus.WITHDRAWN)
                else None,
                status_reason={
                    ReviewStatus.RETURNED: "建设内容和投资估算依据不足，请补充后重新提交",
                    ReviewStatus.WITHDRAWN: "规划调整，项目暂缓实施",
                }.get(status, ""),
                source_lead=lead,
                created_by=admin,
            )
        )
    ReserveProject.objects.bulk_create(items)
    summary.projects = len(items)
    summary.promoted = _promote(rng, today, admin)
    summary.decisions = _department_review(rng, today, admin, city, departments)
    return summary


def _promote(rng, today, admin) -> int:
    """A few ready projects that went into this year's plan earlier in the year: linked to the
    registry's 储备/前期 projects with a plan for this year (their facts taken from the registry)."""
    ready = list(
        ReserveProject.objects.filter(status=ReviewStatus.ADMITTED, maturity=Maturity.READY).order_by("pk")[:6]
    )
    planned = list(
        Project.objects.filter(
            stage__in=(Stage.RESERVE, Stage.PRELIMINARY), annual_plans__year=today.year, reserve_project__isnull=True
        )
        .order_by("pk")
        .distinct()[: len(ready)]
    )
    for item, project in zip(ready, planned, strict=False):
        item.project = project
        item.name = project.name
        item.region_id = project.region_id
        item.category = project.category
        item.estimated_investment = project.total_investment
        item.status = ReviewStatus.PROMOTED
        item.tier = Tier.ANNUAL
        item.promoted_on = today.replace(month=1, day=1) + datetime.timedelta(days=rng.randint(10, 60))
        item.save()
    return min(len(ready), len(planned))


def _department_review(rng, today, admin, city, departments) -> int:
    department = departments.get("市交通运输局")
    if department is None:
        return 0
    meeting = Meeting.objects.create(
        kind=MeetingKind.DEPARTMENT_REVIEW,
        title=f"{department.name}项目谋划半天会",
        region=city,
        held_on=today - datetime.timedelta(days=8),
        attendees=f"市发改委、{department.name}及有关县区",
        location="市发改委会议室",
        minutes="听取交通运输领域项目谋划情况汇报，逐个研究成熟度和前期工作推进措施。",
        created_by=admin,
    )
    planned = list(ReserveProject.objects.filter(proposer=department).order_by("pk")[:5])
    meeting_items = []
    for item in planned:
        status = rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        action = SupervisedAction.objects.create(
            meeting=meeting,
            decision=f"{item.name}：{'加快可研编制' if item.maturity in (Maturity.CONCEPT, Maturity.OUTLINE) else '完善申报材料'}",
            owner=department,
            deadline=meeting.held_on + datetime.timedelta(days=rng.choice([20, 30, 45])),
            status=status,
            progress="" if status == ActionStatus.OPEN else "已委托设计单位编制",
        )
        item.supervised_actions.add(action)
        meeting_items.append(item)
    for item in meeting_items:
        item.reviewed_at.add(meeting)
    return len(meeting_items)
