"""Demo approvals for the demo city (called by apps.projects.demo.generate_demo).

Deterministic from the seed and anchored on `today`, bulk-written, no change records (an
initial load, like the rest of the demo). Only for sets up to DEMO_MAX_PROJECTS projects, and
then for at most DEMO_CHECKLISTS of them, so the province-scale benchmark set stays as fast as
before.

What it writes: the catalogue (linked to the city's departments); the calendar years after the
package's last one up to next year, marked entered with 元旦 as a holiday (labelled demo data:
the official arrangement is not published yet); checklists for projects in preliminary work at
every point of their approvals (some overdue, some deemed approved, some accepted with gaps,
parallel items registered by one intake) and for recently started projects (done up to the
construction permit, for the whole-process figures); factor needs; and a demo user for the land
and the environment bureaus (dept_land, dept_env).
"""

import dataclasses
import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from apps.accounts.models import Role, User
from apps.projects.models import Project, Stage
from apps.regions.models import Organisation, OrganisationKind
from apps.workdays.calendar import PACKAGE_LAST_YEAR, WorkCalendar, WorkdayDataMissing
from apps.workdays.models import CalendarYear, WorkdayOverride

from .catalogue import catalogue_seed
from .models import (
    ApprovalItem,
    ApprovalItemType,
    FactorKind,
    FactorNeed,
    FactorStatus,
    Intake,
    ItemStatus,
)
from .services import deemed_reason, item_type_applies

DEMO_MAX_PROJECTS = 5000
DEMO_CHECKLISTS = 60
DEMO_STARTED = 15
DEMO_USERS = [("dept_land", "自然资源", "周敏"), ("dept_env", "生态环境", "吴昊")]


@dataclasses.dataclass
class ApprovalsSummary:
    checklists: int = 0
    items: int = 0
    overdue: int = 0
    deemed: int = 0
    factor_needs: int = 0
    intakes: int = 0


def generate_approvals(*, seed: int, today: datetime.date, password: str) -> ApprovalsSummary:
    rng = random.Random(f"{seed}:approvals")
    summary = ApprovalsSummary()
    catalogue_seed()
    for year in range(PACKAGE_LAST_YEAR + 1, today.year + 2):
        CalendarYear.objects.get_or_create(
            year=year, defaults={"source": "示范数据：正式节假日安排公布前的占位，仅录入元旦"}
        )
        WorkdayOverride.objects.get_or_create(
            date=datetime.date(year, 1, 1), defaults={"is_workday": False, "name": "元旦"}
        )
    calendar = WorkCalendar.load()
    types = list(ApprovalItemType.objects.prefetch_related("prerequisites").order_by("sequence", "pk"))
    admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    _users(password)
    projects = Project.objects.select_related("owner_unit").order_by("pk")
    preliminary = list(projects.filter(stage=Stage.PRELIMINARY)[:DEMO_CHECKLISTS])
    started = list(
        Project.objects.filter(
            stage=Stage.UNDER_CONSTRUCTION, actual_start_date__gte=today - datetime.timedelta(days=400)
        ).order_by("pk")[:DEMO_STARTED]
    )
    writer = _Writer(rng=rng, today=today, calendar=calendar, types=types, admin=admin, summary=summary)
    for project in preliminary:
        writer.checklist(project, start=today - datetime.timedelta(days=rng.randint(20, 220)))
    for project in started:
        writer.checklist(
            project,
            start=project.actual_start_date - datetime.timedelta(days=rng.randint(160, 320)),
            finish_by=project.actual_start_date,
        )
    writer.flush()
    _factors(rng, preliminary, summary)
    return summary


def _users(password: str) -> None:
    departments = list(Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).values_list("pk", "name"))
    existing = set(User.objects.filter(username__in=[u for u, _, _ in DEMO_USERS]).values_list("username", flat=True))
    # The demo users share one password: reuse the hash of the admin this demo created
    # (hashing costs half a second).
    hashed = User.objects.filter(email="admin@demo.example.cn").values_list("password", flat=True).first()
    hashed = hashed or make_password(password)
    users = []
    for username, keyword, name in DEMO_USERS:
        organisation = next((pk for pk, org_name in departments if keyword in org_name), None)
        if organisation is None or username in existing:
            continue
        users.append(
            User(
                username=username,
                role=Role.DEPARTMENT_USER,
                first_name=name,
                organisation_id=organisation,
                email=f"{username}@demo.example.cn",
                password=hashed,
            )
        )
    User.objects.bulk_create(users)


class _Writer:
    def __init__(self, *, rng, today, calendar, types, admin, summary):
        self.rng, self.today, self.calendar, self.types, self.admin = rng, today, calendar, types, admin
        self.summary = summary
        self.items: list[ApprovalItem] = []
        self.deps: list[tuple[int, int]] = []  # (item index, prerequisite index)
        self.intakes: list[tuple[Intake, list[int]]] = []

    def _add(self, day, n):
        try:
            return self.calendar.add(day, n)
        except WorkdayDataMissing:
            return None

    def checklist(self, project, *, start, finish_by=None):
        rng, today = self.rng, self.today
        limit = min(finish_by or today, today)
        types = [t for t in self.types if item_type_applies(t, project) and t.code != "completion_acceptance"]
        index = {}
        ends = {}
        by_day: dict[datetime.date, list[int]] = {}
        stalled = rng.random() < 0.25  # an item stuck for long holds up what follows
        for item_type in types:
            prereqs = [index[p.pk] for p in item_type.prerequisites.all() if p.pk in index]
            item = ApprovalItem(
                project=project,
                item_type=item_type,
                department_id=item_type.authority_id,
                committed_workdays=item_type.committed_workdays,
                commitment_applies=item_type.commitment_applies,
            )
            position = len(self.items)
            index[item_type.pk] = position
            self.items.append(item)
            self.deps.extend((position, p) for p in prereqs)
            self.summary.items += 1
            earliest = max([start, *(ends[p] + datetime.timedelta(days=1) for p in prereqs if ends.get(p))])
            if item_type.code == "road_works_permit" and not finish_by and rng.random() < 0.7:
                # filed late, so the transport bureau's demo user (dept) has a worklist
                earliest = today - datetime.timedelta(days=rng.randint(3, 30))
            item.planned_start_date = earliest
            item.planned_end_date = self._add(earliest, item_type.committed_workdays)
            if any(ends.get(p) is None for p in prereqs) or earliest >= limit:
                continue  # waits for a prerequisite, or not due to be filed yet
            submitted = min(earliest + datetime.timedelta(days=rng.randint(0, 3) if prereqs else 0), limit)
            item.submitted_on = submitted
            by_day.setdefault(submitted, []).append(position)
            item.status = ItemStatus.SUBMITTED
            if submitted >= limit - datetime.timedelta(days=1) and not finish_by:
                continue
            item.accepted_on = min(submitted + datetime.timedelta(days=rng.randint(0, 2)), limit)
            item.due_date = self._add(item.accepted_on, item.committed_workdays)
            item.remind_on = self._add(item.due_date, -3) if item.due_date else None
            item.handler = rng.choice(["王伟", "李娜", "张磊", "刘芳", "陈杰"])
            item.status = ItemStatus.ACCEPTED
            if rng.random() < 0.12 and not finish_by:
                item.status = ItemStatus.ACCEPTED_WITH_GAPS
                item.missing_documents = rng.choice(
                    ["用地红线图（容缺后补）", "股东会决议", "规划设计方案专家评审意见"]
                )
                item.supplement_deadline = self._add(item.accepted_on, 5)
                supplemented = item.accepted_on + datetime.timedelta(days=rng.randint(1, 7))
                if supplemented < limit and rng.random() < 0.8:  # most applicants deliver in time
                    item.status, item.supplemented_on = ItemStatus.ACCEPTED, supplemented
            span = (item.due_date - item.accepted_on).days if item.due_date else item.committed_workdays
            slow = stalled and not finish_by and rng.random() < 0.5
            took = round(span * (rng.uniform(1.4, 2.2) if slow else rng.uniform(0.3, 1.05)))
            decided = item.accepted_on + datetime.timedelta(days=max(1, took))
            if finish_by:
                decided = min(decided, finish_by - datetime.timedelta(days=1))
                decided = max(decided, item.accepted_on)
            if decided <= limit and item.status == ItemStatus.ACCEPTED:
                item.status, item.decided_on = ItemStatus.APPROVED, decided
                item.document_number = f"示{item_type.code[:4].upper()}〔{decided.year}〕{rng.randint(10, 399)}号"
                ends[position] = decided
            elif (
                item.due_date
                and item.due_date < today
                and item.commitment_applies
                and item.status == ItemStatus.ACCEPTED
            ):
                item.status, item.decided_on = ItemStatus.DEEMED_APPROVED, item.due_date + datetime.timedelta(days=1)
                item.deemed_reason = deemed_reason(item)
                ends[position] = item.decided_on
                self.summary.deemed += 1
            elif item.due_date and item.due_date < today:
                self.summary.overdue += 1
        for day, positions in by_day.items():
            if len(positions) > 1 and self.admin is not None:
                intake = Intake(
                    project=project, received_on=day, applicant=project.owner_unit.name[:100], received_by=self.admin
                )
                self.intakes.append((intake, positions))
        self.summary.checklists += 1

    def flush(self):
        Intake.objects.bulk_create([intake for intake, _ in self.intakes])
        for intake, positions in self.intakes:
            for position in positions:
                self.items[position].intake = intake
        ApprovalItem.objects.bulk_create(self.items, batch_size=1000)
        through = ApprovalItem.depends_on.through
        through.objects.bulk_create(
            [through(from_approvalitem_id=self.items[a].pk, to_approvalitem_id=self.items[b].pk) for a, b in self.deps],
            batch_size=2000,
        )
        self.summary.intakes = len(self.intakes)


FACTORS = [
    (FactorKind.LAND, "自然资源", (10, 600), "新增建设用地"),
    (FactorKind.ENERGY, "发展和改革", (500, 40000), "年综合能耗"),
    (FactorKind.WATER, "水利", (5, 300), "年取用水量"),
    (FactorKind.ENVIRONMENTAL_CAPACITY, "生态环境", (2, 80), "主要污染物排放总量指标"),
    (FactorKind.FUNDS, "财政", (1000, 50000), "资金缺口（专项债券、中央预算内投资等）"),
]


def _factors(rng, projects, summary) -> None:
    departments = list(Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).values_list("pk", "name"))
    needs = []
    for project in projects:
        for kind, keyword, (low, high), description in FACTORS:
            if kind != FactorKind.LAND and rng.random() < 0.55:
                continue
            quantity = Decimal(rng.randint(low, high))
            status = rng.choices(list(FactorStatus), weights=[3, 3, 4, 1])[0]
            secured = {
                FactorStatus.SECURED: quantity,
                FactorStatus.IN_PROGRESS: (quantity * Decimal(rng.randint(20, 80)) / 100).quantize(Decimal(1)),
            }.get(status)
            needs.append(
                FactorNeed(
                    project=project,
                    kind=kind,
                    quantity=quantity,
                    secured_quantity=secured,
                    description=description,
                    department_id=next((pk for pk, name in departments if keyword in name), None),
                    status=status,
                    needed_by=project.planned_start_date,
                )
            )
    FactorNeed.objects.bulk_create(needs)
    summary.factor_needs = len(needs)
