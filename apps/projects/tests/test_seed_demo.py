import datetime
import hashlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.utils import timezone
from stdnum.cn import uscc

from apps.accounts.models import Role, User
from apps.audit.models import ChangeRecord
from apps.projects import demo
from apps.projects.models import (
    PROJECT_CODE_RE,
    AnnualPlan,
    Category,
    InvestorType,
    Level,
    Milestone,
    Project,
    Stage,
)
from apps.regions.models import Organisation, OrganisationKind, Person, Region
from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from apps.reporting.selectors import reporting_due_q
from apps.statistics.models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings

pytestmark = pytest.mark.django_db

N = 60


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", projects=N, stdout=out)
    return out.getvalue()


def digest() -> str:
    rows = Project.objects.order_by("pk").values_list(
        "name", "project_code", "total_investment", "stage", "level", "in_statistics", "statistics_included_on"
    )
    reports = MonthlyReport.objects.order_by("project_id", "year", "month").values_list(
        "project__name", "year", "month", "completed_investment", "percent_complete", "status", "problems"
    )
    stats = RegionStat.objects.order_by("region__code", "year", "month").values_list(
        "region__code", "year", "month", "fai_ytd", "comparable_base"
    )
    return hashlib.sha256(repr([list(rows), list(reports), list(stats)]).encode()).hexdigest()


def wipe():
    from apps.allocation.models import Plan
    from apps.assessment.models import Run, Scheme
    from apps.attraction.models import InvestmentLead
    from apps.funding.demo import wipe_demo
    from apps.lights.demo import wipe_demo as wipe_lights
    from apps.problems.models import LetterCounter, Meeting, Problem
    from apps.reserve.models import ReserveProject

    Plan.objects.all().delete()
    Run.objects.all().delete()
    Scheme.objects.all().delete()
    wipe_lights()
    from apps.briefs.demo import wipe_demo as wipe_visits

    wipe_visits()
    ReserveProject.objects.all().delete()
    InvestmentLead.objects.all().delete()
    wipe_demo()
    from apps.attraction.models import InvestmentLead
    from apps.bulletins.models import Bulletin, BulletinCounter

    Bulletin.objects.all().delete()
    BulletinCounter.objects.all().delete()
    InvestmentLead.objects.all().delete()
    Meeting.objects.all().delete()
    Problem.objects.all().delete()
    LetterCounter.objects.all().delete()
    MonthlyReport.objects.all().delete()
    ReportingPeriod.objects.all().delete()
    RegionStat.objects.all().delete()
    RegionTarget.objects.all().delete()
    ProvinceListTotal.objects.all().delete()
    StatisticsSettings.objects.all().delete()
    User.objects.all().delete()
    Project.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.all().delete()
    Region.objects.filter(level="county").delete()
    Region.objects.filter(level="city").delete()
    Region.objects.all().delete()


def test_counts_and_summary(seeded):
    assert Project.objects.count() == N
    assert "项目：60" in seeded and "演示账号" in seeded
    for label in ("月报：", "填报期：", "统计数据：", "已入统项目："):
        assert label in seeded
    for username, password, role, _ in demo.demo_users_table():
        assert username in seeded and password in seeded and role in seeded
    assert Region.objects.get(code="610000").name == "示范省"
    city = Region.objects.get(code="610300")
    assert city.name == "示范市" and city.parent.code == "610000"
    counties = Region.objects.filter(level="county")
    assert 10 <= counties.count() <= 12
    assert all(c.parent_id == city.pk and city.contains(c) for c in counties)
    assert Person.objects.filter(is_city_leader=True, region=city).count() >= 8
    assert Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, name="市交通运输局").exists()
    assert Organisation.objects.filter(kind=OrganisationKind.OWNER_UNIT).count() >= 40


def test_every_enum_value_is_present(seeded):
    for field, enum in [("stage", Stage), ("level", Level), ("category", Category), ("investor_type", InvestorType)]:
        present = set(Project.objects.values_list(field, flat=True))
        assert present == set(enum.values), field


def test_credit_codes_valid_and_typed(seeded):
    codes = list(Organisation.objects.values_list("kind", "credit_code"))
    assert all(code and uscc.is_valid(code) for _, code in codes)
    assert len({code for _, code in codes}) == len(codes)
    assert all(code.startswith("11") for kind, code in codes if kind == OrganisationKind.DEPARTMENT)
    assert {code[:2] for kind, code in codes if kind == OrganisationKind.OWNER_UNIT} == {"91", "12"}
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_project_codes_and_full_clean(seeded):
    today = timezone.localdate()
    codes = []
    for project in Project.objects.all():
        project.full_clean()
        if project.stage == Stage.RESERVE:
            assert project.project_code is None
        else:
            assert PROJECT_CODE_RE.match(project.project_code)
            assert project.project_code[5:11] == project.region.code
            codes.append(project.project_code)
        assert project.planned_start_date <= project.planned_end_date
        assert 2000 <= project.total_investment <= 500000
        assert project.total_investment == project.total_investment.quantize(Decimal("0.01"))
        if project.stage in (Stage.UNDER_CONSTRUCTION, Stage.COMPLETED):
            assert project.actual_start_date <= today
        if project.stage == Stage.COMPLETED:
            assert project.actual_start_date <= project.actual_end_date <= today
        assert 0 <= project.partner_units.count() <= 3
    assert len(codes) == len(set(codes))
    assert Project.objects.filter(lead_official__isnull=False).count() >= N * 0.4
    assert Project.objects.filter(lead_department__isnull=False).count() >= N * 0.7
    # synthetic initial load: no change records
    assert not ChangeRecord.objects.exists()


def test_annual_plans_and_milestones(seeded):
    year = timezone.localdate().year
    plans = list(AnnualPlan.objects.select_related("project"))
    assert plans
    assert {plan.year for plan in plans} <= {year - 1, year}
    for plan in plans:
        plan.full_clean()
        assert plan.year in plan.project.span_years
        assert 0 < plan.planned_investment <= plan.project.total_investment
    today = timezone.localdate()
    for project in Project.objects.prefetch_related("milestones"):
        milestones = list(project.milestones.all())
        assert 3 <= len(milestones) <= 6
        for milestone in milestones:
            milestone.full_clean()
            assert milestone.actual_date is None or milestone.actual_date <= today
            if project.stage == Stage.RESERVE:
                assert milestone.actual_date is None
        if project.actual_start_date:
            start = next(m for m in milestones if m.name == "开工建设")
            assert start.actual_date == project.actual_start_date
    assert Milestone.objects.filter(actual_date__isnull=False).exists()
    assert Milestone.objects.filter(forecast_date__gt=F("baseline_date")).exists()


def test_same_seed_same_data():
    demo.generate_demo(projects=N, seed=7)
    first = digest()
    wipe()
    demo.generate_demo(projects=N, seed=7)
    assert digest() == first
    wipe()
    demo.generate_demo(projects=N, seed=8)
    assert digest() != first


def test_if_empty_and_refusal(seeded):
    before = (Project.objects.count(), Organisation.objects.count(), AnnualPlan.objects.count(), User.objects.count())
    out = StringIO()
    call_command("seed_demo", projects=N, if_empty=True, stdout=out)
    assert "已有数据" in out.getvalue()
    with pytest.raises(CommandError, match="已有数据"):
        call_command("seed_demo", projects=N, stdout=StringIO())
    after = (Project.objects.count(), Organisation.objects.count(), AnnualPlan.objects.count(), User.objects.count())
    assert after == before


def test_demo_users_see_projects(seeded):
    expected = {
        "admin": Role.CITY_ADMIN,
        "leader": Role.CITY_LEADER,
        "county": Role.COUNTY_USER,
        "dept": Role.DEPARTMENT_USER,
        "owner": Role.OWNER_REPORTER,
        "auditor": Role.AUDITOR,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.check_password(demo.DEMO_PASSWORD)
        assert user.display_name != username
        user.full_clean()
        assert Project.objects.restrict(user, "view").exists(), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    # 三员分立: three administrators, none a superuser, none seeing business data.
    for username, role in (
        ("sysadmin", Role.SYSTEM_ADMIN),
        ("secadmin", Role.SECURITY_ADMIN),
        ("auditadmin", Role.AUDIT_ADMIN),
    ):
        user = User.objects.get(username=username)
        assert user.role == role and user.is_staff and not user.is_superuser
        assert user.check_password(demo.DEMO_PASSWORD)
        assert not Project.objects.restrict(user, "view").exists()
    assert not User.objects.filter(is_superuser=True).exists()
    assert User.objects.get(username="dept").organisation.name == "市交通运输局"
    assert User.objects.get(username="county").region.code == "610302"
    owner = User.objects.get(username="owner")
    assert Project.objects.restrict(owner, "view").count() >= 3
    leader = User.objects.get(username="leader")
    counts = {p.pk: p.led_projects.count() for p in Person.objects.filter(is_city_leader=True)}
    assert counts[leader.person_id] == max(counts.values())
    # the county user sees only their county's projects
    county = User.objects.get(username="county")
    assert set(Project.objects.restrict(county).values_list("region__code", flat=True)) == {"610302"}


def last_ended_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def test_statistics_inclusion(seeded):
    started = Project.objects.filter(actual_start_date__isnull=False)
    included = started.filter(in_statistics=True)
    assert included.count() >= started.count() * 0.6
    assert started.filter(in_statistics=False).exists()  # 应统未统 candidates left
    assert not Project.objects.filter(actual_start_date__isnull=True, in_statistics=True).exists()
    assert not included.filter(statistics_included_on__lt=F("actual_start_date")).exists()
    assert not included.filter(statistics_included_on__gt=timezone.localdate()).exists()


def test_monthly_reports(seeded):
    year, month = last_ended_month()
    first_year = year - demo.DEFAULT_REPORT_YEARS + 1
    reports = MonthlyReport.objects.all()
    assert reports.count() > N
    for report in reports.order_by("?")[:60]:
        report.full_clean()
    # one per project and month (the constraint holds it; the generator must not rely on it)
    assert not reports.values("project_id", "year", "month").annotate(n=Count("id")).filter(n__gt=1).exists()
    periods = {(r.year * 12 + r.month) for r in reports.only("year", "month")}
    assert min(periods) >= first_year * 12 + 1
    assert max(periods) == year * 12 + month  # nothing for the current (unfinished) month
    # never more than the total investment in sum
    over = Project.objects.annotate(done=Sum("monthly_reports__completed_investment")).filter(
        done__gt=F("total_investment")
    )
    assert not over.exists()
    # reports start with the construction (or the planned start of a project due to report)
    for project in Project.objects.filter(monthly_reports__isnull=False).distinct():
        first = project.monthly_reports.order_by("year", "month").first()
        if project.actual_start_date and project.actual_start_date <= datetime.date(year, month, 28):
            start = max(project.actual_start_date.year * 12 + project.actual_start_date.month, first_year * 12 + 1)
            assert first.year * 12 + first.month == start
            assert first.completed_investment >= 0
        else:
            assert first.completed_investment == 0 and first.percent_complete is None
    # percent complete grows to 100 at completion
    for project in Project.objects.filter(stage=Stage.COMPLETED, monthly_reports__isnull=False).distinct():
        values = list(project.monthly_reports.order_by("year", "month").values_list("percent_complete", flat=True))
        assert values == sorted(values) and values[-1] == 100
        end = project.actual_end_date
        last = project.monthly_reports.order_by("year", "month").last()
        assert (last.year, last.month) == (end.year, end.month)
    assert reports.exclude(problems="").exists()
    # past months verified; the last month a mix, and some due projects without a report
    assert set(reports.exclude(year=year, month=month).values_list("status", flat=True)) == {ReportStatus.VERIFIED}
    latest = Counter(reports.filter(year=year, month=month).values_list("status", flat=True))
    assert latest[ReportStatus.SUBMITTED] and latest[ReportStatus.VERIFIED]
    assert reports.filter(status=ReportStatus.RETURNED).exclude(returned_reason="").count() == latest["returned"]
    due = Project.objects.filter(reporting_due_q(year=year, month=month))
    # One subquery: exclude() over a multi-valued relation would match the year and the month on
    # different reports (a project with any 2026 report and any November report would drop out).
    reported = MonthlyReport.objects.filter(year=year, month=month).values("project_id")
    assert due.exclude(pk__in=reported).exists()
    verified = reports.filter(status=ReportStatus.VERIFIED)
    assert not verified.filter(verified_by__isnull=True).exists()
    assert not verified.filter(verified_at__lt=F("submitted_at")).exists()


def test_reporting_periods(seeded):
    year, month = last_ended_month()
    periods = list(ReportingPeriod.objects.order_by("year", "month"))
    assert (periods[0].year, periods[0].month) == (year - demo.DEFAULT_REPORT_YEARS + 1, 1)
    assert (periods[-1].year, periods[-1].month) == (year, month)
    assert [p.status for p in periods[:-1]] == [PeriodStatus.CLOSED] * (len(periods) - 1)
    assert periods[-1].status == PeriodStatus.OPEN and periods[-1].closed_at is None
    assert all(p.deadline.day == 25 and p.deadline > datetime.date(p.year, p.month, 28) for p in periods)
    for period in periods:
        period.full_clean()


def test_statistics_figures(seeded):
    year, month = last_ended_month()
    province = Region.objects.get(code="610000")
    cities = Region.objects.filter(level="city", parent=province)
    assert cities.count() >= 10
    assert len({c.code for c in cities}) == cities.count()
    stats = RegionStat.objects.all()
    assert not stats.filter(month=1).exists()
    for stat in stats.order_by("?")[:30]:
        stat.full_clean()
    city = Region.objects.get(code="610300")
    latest = stats.filter(year=year, month=month) if month >= 2 else stats.filter(year=year - 1, month=12)
    assert latest.filter(region__in=cities).count() == cities.count()
    city_value = latest.get(region=city).fai_ytd
    counties_value = latest.filter(region__parent=city).aggregate(total=Sum("fai_ytd"))["total"]
    assert city_value * Decimal("0.8") <= counties_value <= city_value
    # year to date grows within a year; one county has no comparable base this year
    values = list(stats.filter(region=city, year=year - 1).order_by("month").values_list("fai_ytd", flat=True))
    assert len(values) == 11 and values == sorted(values)
    assert stats.filter(comparable_base__isnull=True).values("region").distinct().count() == 1
    assert stats.filter(year=year, comparable_base__isnull=False).exists()
    counties = Region.objects.filter(parent=city).count()
    assert RegionTarget.objects.filter(year=year).count() == counties + 1
    assert RegionTarget.objects.values("year").distinct().count() == demo.DEFAULT_REPORT_YEARS
    assert ProvinceListTotal.objects.filter(province=province, year=year, project_count__gt=0).exists()
    assert StatisticsSettings.objects.count() == 1


def test_no_reports_when_asked(db):
    out = StringIO()
    call_command("seed_demo", projects=10, report_years=0, stdout=out)
    assert Project.objects.count() == 10
    assert not MonthlyReport.objects.exists() and not RegionStat.objects.exists()
    assert "月报：" not in out.getvalue()
