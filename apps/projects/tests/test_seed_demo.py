import hashlib
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
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

pytestmark = pytest.mark.django_db

N = 60


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", projects=N, stdout=out)
    return out.getvalue()


def digest() -> str:
    rows = Project.objects.order_by("pk").values_list("name", "project_code", "total_investment", "stage", "level")
    return hashlib.sha256(repr([(n, c, str(t), s, lv) for n, c, t, s, lv in rows]).encode()).hexdigest()


def wipe():
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
    assert admin.is_staff and admin.is_superuser
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
