"""Demo attraction pipeline for the demo city: about 80 leads at every stage.

Called by `apps.projects.demo.generate_demo` (inside its transaction) after projects and
users exist, for demo-sized sets only. Writes, deterministically from the seed:

- the city's attraction bureau (市投资促进局, 招商局) and a demo user `zhaoshang` there;
- leads from every source, landing in every county, worked mostly by the bureau and some by
  the county's own 招商服务中心; at every stage, with the stage trail, contracts, registered
  enterprises, funds arrived, follow-up reports and investor contacts;
- lateness of every kind: a lead not answered in a working day, signed but not registered
  after 30 days, 6 months late to start (one after an expired 限期开工通知书), funds short;
- exits with reasons; a few started leads linked to registry projects (those past 入统 to
  projects in statistics), one with no investment reported lately (只开工不落地);
- a 签约项目推进 meeting whose decisions chase signed leads as supervised actions.

Like the rest of the seed it is an initial load and writes no change records.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from stdnum.cn import uscc

from apps.accounts.models import Role, User
from apps.problems.models import ActionStatus, Meeting, MeetingKind, SupervisedAction
from apps.projects.models import Category, InvestorType, Project, Stage
from apps.regions.models import Organisation, OrganisationKind, Region, RegionLevel

from .models import (
    PIPELINE,
    ExitReason,
    InvestmentLead,
    InvestorContact,
    LeadContract,
    LeadFollowUp,
    LeadFundsArrival,
    LeadNotice,
    LeadSource,
    LeadStage,
    LeadStageEvent,
    NoticeKind,
    add_months,
)

BUREAU_NAME = "市投资促进局"
DEMO_USER = ("zhaoshang", "郑凯")

# (GB/T 4754 code, product, encouraged, category)
INDUSTRIES = [
    ("C3841", "锂离子电池", True, Category.INDUSTRY),
    ("C3612", "新能源汽车零部件", True, Category.INDUSTRY),
    ("C3973", "集成电路封装测试", True, Category.INDUSTRY),
    ("C3825", "光伏组件", True, Category.INDUSTRY),
    ("C2710", "原料药", False, Category.INDUSTRY),
    ("C3311", "钢结构装配式建筑", True, Category.INDUSTRY),
    ("C3434", "智能物流装备", True, Category.INDUSTRY),
    ("C1495", "食品添加剂", False, Category.INDUSTRY),
    ("C3360", "钛合金精密加工", True, Category.INDUSTRY),
    ("G5941", "冷链物流仓储", True, Category.INFRASTRUCTURE),
    ("I6510", "工业软件研发", True, Category.INDUSTRY),
    ("A0141", "设施农业示范园", True, Category.INDUSTRY),
]
INVESTORS = [
    ("宁德", "福建宁德"),
    ("比亚", "广东深圳"),
    ("隆基", "陕西西安"),
    ("华润", "广东深圳"),
    ("中联", "湖南长沙"),
    ("海尔", "山东青岛"),
    ("美的", "广东佛山"),
    ("通威", "四川成都"),
    ("三一", "湖南长沙"),
    ("正泰", "浙江温州"),
    ("恒瑞", "江苏连云港"),
    ("京东", "北京"),
    ("顺丰", "广东深圳"),
    ("宝钛", "陕西宝鸡"),
    ("陕汽", "陕西西安"),
    ("华为", "广东深圳"),
    ("中建", "北京"),
    ("牧原", "河南南阳"),
    ("伊利", "内蒙古呼和浩特"),
    ("吉利", "浙江杭州"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "霞", "平", "刚"]

# Current stage: how many leads. ~80 in all.
STAGE_COUNTS = [
    (LeadStage.LEAD, 7),
    (LeadStage.ASSESSING, 6),
    (LeadStage.NEGOTIATING, 12),
    (LeadStage.SIGNED, 9),
    (LeadStage.REGISTERED, 8),
    (LeadStage.LAND_SUPPLIED, 7),
    (LeadStage.STARTED, 6),
    (LeadStage.IN_STATISTICS, 4),
    (LeadStage.IN_PRODUCTION, 4),
    (LeadStage.AT_CAPACITY, 2),
    (LeadStage.EXITED, 15),
]
# Days from one stage to the next (min, max), index = the stage left.
GAPS = [(0, 1), (2, 6), (20, 110), (8, 28), (20, 80), (20, 100), (30, 100), (90, 250), (90, 300)]


@dataclasses.dataclass
class AttractionSummary:
    leads: int = 0
    stages: dict = dataclasses.field(default_factory=dict)
    contracts: int = 0
    linked_projects: int = 0
    supervised_actions: int = 0


def _credit_code(rng, kind: str = "91") -> str:
    """A valid 统一社会信用代码: 91 for enterprises, 11 for government bodies."""
    body = kind + "61" + "".join(rng.choice("0123456789") for _ in range(13))
    return body + uscc.calc_check_digit(body)


def _person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", "", rng.choice(GIVEN)])


def demo_city():
    """(the demo's city administrator, its city, the city's counties), or None before the seed."""
    admin = (
        User.objects.filter(role=Role.CITY_ADMIN, region__isnull=False).select_related("region").order_by("pk").first()
    )
    if admin is None:
        return None
    counties = list(Region.objects.filter(parent=admin.region, level=RegionLevel.COUNTY).order_by("code"))
    return admin, admin.region, counties


def generate_attraction(*, seed: int, today: datetime.date, password: str) -> AttractionSummary:
    rng = random.Random(f"{seed}:attraction")
    summary = AttractionSummary()
    found = demo_city()
    if found is None:
        return summary
    admin, city, counties = found
    from apps.lights.objects import switch_on_presets

    from .lights import PRESETS

    switch_on_presets(PRESETS)  # evaluated with the other lights by apps/lights/demo
    bureau, _ = Organisation.objects.get_or_create(
        region=city,
        name=BUREAU_NAME,
        defaults={
            "kind": OrganisationKind.DEPARTMENT,
            "short_name": "市招商局",
            "credit_code": _credit_code(rng, "11"),
        },
    )
    county_units = {}
    for county in counties[:4]:
        county_units[county.pk], _ = Organisation.objects.get_or_create(
            region=county,
            name=f"{county.name}招商服务中心",
            defaults={"kind": OrganisationKind.DEPARTMENT, "credit_code": _credit_code(rng, "11")},
        )
    _user(bureau, password)
    # Registry projects a started lead can be linked to: enterprise-invested, under construction.
    candidates = list(
        Project.objects.filter(
            stage=Stage.UNDER_CONSTRUCTION, category=Category.INDUSTRY, actual_start_date__isnull=False
        )
        .exclude(investor_type=InvestorType.GOVERNMENT)
        .order_by("pk")
        .values_list("pk", "region_id", "in_statistics", "actual_start_date", "total_investment")
    )
    used: set[int] = set()
    writer = _Writer(rng=rng, today=today, admin=admin, summary=summary)
    number = 0
    for stage, count in STAGE_COUNTS:
        for i in range(count):
            number += 1
            county = counties[number % len(counties)]
            unit = county_units.get(county.pk) if number % 3 == 0 else None
            writer.lead(
                number=number,
                stage=stage,
                variant=i,
                county=county,
                unit=unit or bureau,
                candidates=candidates,
                used=used,
            )
    summary.supervised_actions = _meeting(rng, city, admin, bureau, today)
    return summary


def _user(bureau, password: str) -> None:
    username, name = DEMO_USER
    if User.objects.filter(username=username).exists():
        return
    hashed = User.objects.filter(email="admin@demo.example.cn").values_list("password", flat=True).first()
    User.objects.create(
        username=username,
        role=Role.DEPARTMENT_USER,
        first_name=name,
        organisation=bureau,
        email=f"{username}@demo.example.cn",
        password=hashed or make_password(password),
    )


class _Writer:
    def __init__(self, *, rng, today, admin, summary):
        self.rng, self.today, self.admin, self.summary = rng, today, admin, summary

    def _path(self, stage: str, exit_from: str | None) -> list:
        last = exit_from if stage == LeadStage.EXITED else stage
        return PIPELINE[: PIPELINE.index(LeadStage(last)) + 1]

    def _dates(self, path: list, stage: str, variant: int) -> list[datetime.date]:
        """Stage dates ending at most today; `variant` 0 of a stage is the late one."""
        rng = self.rng
        gaps = [rng.randint(*GAPS[i]) for i in range(len(path) - 1)]
        # How long the lead has sat in its current stage.
        idle = {
            LeadStage.LEAD: [3, 0, 1, 0, 2, 0, 1][variant % 7],
            LeadStage.ASSESSING: [9, 1, 2, 0, 1, 2][variant % 6],
            LeadStage.SIGNED: [50, 12, 20, 45, 8, 15, 25, 5, 10][variant % 9],
            LeadStage.REGISTERED: [400, 60, 30, 90, 20, 45, 380, 15][variant % 8],
            LeadStage.STARTED: [130, 40, 60, 20, 90, 15][variant % 6],
        }.get(stage, rng.randint(10, 120))
        if stage == LeadStage.EXITED:
            idle = rng.randint(10, 400)
        start = self.today - datetime.timedelta(days=idle + sum(gaps))
        dates = [start]
        for gap in gaps:
            dates.append(dates[-1] + datetime.timedelta(days=gap))
        return dates

    def lead(self, *, number, stage, variant, county, unit, candidates, used):
        rng, today, admin = self.rng, self.today, self.admin
        code, product, encouraged, category = INDUSTRIES[number % len(INDUSTRIES)]
        brand, origin = INVESTORS[number % len(INVESTORS)]
        exit_from = None
        exit_reason = ""
        if stage == LeadStage.EXITED:
            exit_from, exit_reason = [
                (LeadStage.ASSESSING, ExitReason.ASSESSMENT_REJECTED),
                (LeadStage.NEGOTIATING, ExitReason.NEGOTIATION_FAILED),
                (LeadStage.NEGOTIATING, ExitReason.INVESTOR_WITHDREW),
                (LeadStage.SIGNED, ExitReason.NOT_REGISTERED),
                (LeadStage.REGISTERED, ExitReason.START_OVERDUE),
            ][variant % 5]
        path = self._path(stage, exit_from)
        dates = self._dates(path, stage, variant)
        linked = None
        new_project = stage == LeadStage.STARTED and variant == 0
        if LeadStage.STARTED in path and stage != LeadStage.EXITED and not new_project:
            linked, dates = self._pick_project(county, stage, path, dates, candidates, used)
        big = rng.random() < 0.45
        intended = Decimal(
            rng.choice(
                [3000, 5000, 8000, 12000, 20000, 30000, 50000, 80000, 150000]
                if big
                else [2000, 3000, 5000, 8000, 10000]
            )
        )
        name = f"{county.name.rstrip('区县')}{product}项目" if len(county.name) > 2 else f"{county.name}{product}项目"
        lead = InvestmentLead.objects.create(
            name=f"{name}（{brand}）",
            investor_name=f"{brand}{product}{'集团有限公司' if big else '科技有限公司'}",
            investor_credit_code=_credit_code(rng) if rng.random() < 0.6 else "",
            is_leading_enterprise=big and rng.random() < 0.6,
            investor_origin=origin,
            region=county,
            industry_code=code,
            encouraged_industry=encouraged,
            category=category,
            intended_investment=intended,
            source=rng.choice(LeadSource.values[:-1]),
            attraction_unit=unit,
            attraction_person=_person(rng),
            content=f"建设{product}生产线及配套设施",
            received_on=dates[0],
            stage=stage,
            stage_since=dates[-1]
            if stage != LeadStage.EXITED
            else dates[-1] + datetime.timedelta(days=rng.randint(5, 60)),
            exit_reason=exit_reason,
            exit_note="投资方调整全国布局" if exit_reason == ExitReason.INVESTOR_WITHDREW else "",
            created_by=admin,
        )
        if lead.stage_since > today:
            lead.stage_since = today
            lead.save(update_fields=["stage_since"])
        self.summary.leads += 1
        self.summary.stages[str(LeadStage(stage).label)] = self.summary.stages.get(str(LeadStage(stage).label), 0) + 1
        events = [
            LeadStageEvent(lead=lead, stage=s, entered_on=d, recorded_by=admin)
            for s, d in zip(path, dates, strict=True)
        ]
        if stage == LeadStage.EXITED:
            events.append(
                LeadStageEvent(lead=lead, stage=LeadStage.EXITED, entered_on=lead.stage_since, recorded_by=admin)
            )
        LeadStageEvent.objects.bulk_create(events)
        reached = dict(zip(path, dates, strict=True))
        InvestorContact.objects.bulk_create(
            InvestorContact(
                lead=lead,
                name=_person(rng),
                position=rng.choice(["总经理", "投资总监", "副总裁"]),
                phone=f"13{rng.randint(100000000, 999999999)}",
            )
            for _ in range(rng.choice([1, 1, 2]))
        )
        # Follow-ups: most within two weeks, every fifth lead behind.
        if stage not in (LeadStage.LEAD, LeadStage.AT_CAPACITY, LeadStage.EXITED):
            last = today - datetime.timedelta(days=rng.randint(20, 40) if number % 5 == 0 else rng.randint(0, 12))
            last = max(last, lead.stage_since)
            LeadFollowUp.objects.create(
                lead=lead,
                reported_on=last,
                content="与投资方对接项目推进事宜，协调解决用地、手续等问题",
                recorded_by=admin,
            )
        signed_on = reached.get(LeadStage.SIGNED)
        if signed_on is None:
            return
        amount = intended * Decimal(rng.choice(["0.8", "1", "1", "1.2"]))
        LeadContract.objects.create(
            lead=lead,
            amount=amount,
            signed_on=signed_on,
            counterpart=f"{county.name}人民政府",
            commitments="投资方按约定注册企业、开工建设、资金到位；政府方保障用地、水电等要素",
            signed_at_event=rng.choice(["", "丝博会集中签约", "重大项目集中签约活动", "招商推介会"]),
        )
        self.summary.contracts += 1
        # Funds: a quarter or more for most; short for every fourth signed lead.
        months = (today.year - signed_on.year) * 12 + today.month - signed_on.month
        if months >= 1 and number % 4 != 0:
            share = Decimal(rng.choice(["0.25", "0.3", "0.5", "0.8"])) if months >= 3 else Decimal("0.1")
            LeadFundsArrival.objects.create(
                lead=lead,
                arrived_on=min(add_months(signed_on, 2), today),
                amount=(amount * share).quantize(Decimal(1)),
                note="投资方资本金到位",
                recorded_by=admin,
            )
        if LeadStage.REGISTERED in reached:
            lead.registered_credit_code = _credit_code(rng)
            lead.registered_name = f"{county.name}{brand}{product}有限公司"
            lead.save(update_fields=["registered_credit_code", "registered_name"])
        if stage in (LeadStage.REGISTERED, LeadStage.LAND_SUPPLIED) and variant == 0:
            # Long past the agreed start: a 限期开工通知书, expired for the registered one.
            LeadNotice.objects.create(
                lead=lead,
                kind=NoticeKind.START_DEADLINE,
                issued_on=today - datetime.timedelta(days=40),
                deadline=today - datetime.timedelta(days=10)
                if stage == LeadStage.REGISTERED
                else today + datetime.timedelta(days=20),
                content="请于限期内开工建设，逾期将启动退出程序",
                issued_by=admin,
            )
        if exit_reason == ExitReason.START_OVERDUE:
            LeadNotice.objects.create(
                lead=lead,
                kind=NoticeKind.START_DEADLINE,
                issued_on=lead.stage_since - datetime.timedelta(days=60),
                deadline=lead.stage_since - datetime.timedelta(days=1),
                issued_by=admin,
            )
            LeadNotice.objects.create(lead=lead, kind=NoticeKind.EXIT, issued_on=lead.stage_since, issued_by=admin)
        if linked is not None:
            lead.project_id = linked
            lead.save(update_fields=["project"])
            self.summary.linked_projects += 1
        elif new_project:
            self._new_project(lead, reached[LeadStage.STARTED], amount)

    def _pick_project(self, county, stage, path, dates, candidates, used):
        """A started lead's registry project: a free one of its county (in statistics past
        入统), its trail shifted so that 开工 is the project's actual start."""
        needs_statistics = PIPELINE.index(LeadStage(stage)) >= PIPELINE.index(LeadStage.IN_STATISTICS)
        started_index = path.index(LeadStage.STARTED)
        for pk, region_id, in_statistics, actual_start, _total in candidates:
            if pk in used or region_id != county.pk or in_statistics != needs_statistics:
                continue
            delta = actual_start - dates[started_index]
            if dates[-1] + delta > self.today:
                continue
            used.add(pk)
            return pk, [day + delta for day in dates]
        return None, dates

    def _new_project(self, lead, started_on, amount):
        """A lead whose registry project was in 前期 and started with it (as lead_start records
        it), and has reported no investment since (只开工不落地)."""
        free = (
            Project.objects.filter(
                stage=Stage.PRELIMINARY,
                actual_start_date__isnull=True,
                planned_start_date__lte=started_on,
                investment_lead__isnull=True,
            )
            .exclude(investor_type=InvestorType.GOVERNMENT)
            .order_by("pk")
        )
        project = free.filter(region=lead.region).first() or free.first()
        if project is None:
            return
        lead.region_id = project.region_id
        project.actual_start_date = started_on
        project.stage = Stage.UNDER_CONSTRUCTION
        project.save(update_fields=["actual_start_date", "stage"])
        lead.project = project
        lead.save(update_fields=["project", "region"])
        self.summary.linked_projects += 1


def _meeting(rng, city, admin, bureau, today) -> int:
    meeting = Meeting.objects.create(
        kind=MeetingKind.SPECIAL_MEETING,
        title=f"{city.name}签约项目推进专题会议",
        region=city,
        held_on=today - datetime.timedelta(days=12),
        attendees="市发改委、市投资促进局、市自然资源和规划局、各县区分管负责同志",
        location="市政府第二会议室",
        minutes="逐一过堂已签约未开工项目，明确责任单位和完成时限，确保签约项目尽快落地。",
        created_by=admin,
    )
    signed = InvestmentLead.objects.filter(
        stage__in=(LeadStage.SIGNED, LeadStage.REGISTERED, LeadStage.LAND_SUPPLIED)
    ).order_by("pk")[:6]
    count = 0
    for lead in signed:
        status = rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS, ActionStatus.DONE])
        action = SupervisedAction.objects.create(
            meeting=meeting,
            decision=f"{lead.name}：{'完成企业注册' if lead.stage == LeadStage.SIGNED else '办结用地手续、尽快开工'}",
            owner=lead.attraction_unit if lead.attraction_unit.kind == OrganisationKind.DEPARTMENT else bureau,
            deadline=meeting.held_on + datetime.timedelta(days=rng.choice([10, 20, 30])),
            status=status,
            progress="" if status == ActionStatus.OPEN else "已与投资方对接，正在办理",
            done_on=today if status == ActionStatus.DONE else None,
        )
        lead.supervised_actions.add(action)
        count += 1
    return count
