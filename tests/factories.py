"""factory-boy factories shared by every app's tests."""

import datetime
from decimal import Decimal

import factory
from stdnum.cn import uscc

from apps.accounts.models import Role, User
from apps.projects.models import AnnualPlan, Category, InvestorType, Level, Milestone, Project, Stage
from apps.regions.models import Organisation, OrganisationKind, Person, Region, RegionLevel


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 with a running number."""
    body = f"91610300{n:09d}"
    return body + uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Six digits for the first 9,900 regions (PostgreSQL enforces the length; SQLite would not).
    code = factory.Sequence(lambda n: f"62{n // 99 % 100:02d}{n % 99 + 1:02d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = RegionLevel.COUNTY


def city(code="610300", name="示范市"):
    province = RegionFactory(code=code[:2] + "0000", name="示范省", level=RegionLevel.PROVINCE)
    return RegionFactory(code=code, name=name, level=RegionLevel.CITY, parent=province)


def county(city_region, n: int, name=None):
    return RegionFactory(
        code=f"{city_region.code[:4]}{n:02d}", name=name or f"第{n}区", level=RegionLevel.COUNTY, parent=city_region
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试建设单位{n}有限公司")
    kind = OrganisationKind.OWNER_UNIT
    credit_code = factory.Sequence(credit_code)
    region = factory.SubFactory(RegionFactory)


class DepartmentFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"测试局{n}")
    kind = OrganisationKind.DEPARTMENT
    credit_code = None


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"领导{n}")
    position = "副市长"
    region = factory.SubFactory(RegionFactory)
    is_city_leader = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n}")
    project_code = factory.Sequence(lambda n: f"2026-610302-48-01-{n:06d}")
    region = factory.SubFactory(RegionFactory)
    level = Level.MUNICIPAL
    category = Category.INFRASTRUCTURE
    investor_type = InvestorType.GOVERNMENT
    stage = Stage.PRELIMINARY
    scope = "新建道路 5 公里"
    total_investment = Decimal("10000")
    planned_start_date = datetime.date(2026, 3, 1)
    planned_end_date = datetime.date(2028, 12, 31)
    owner_unit = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def partner_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.partner_units.set(extracted)


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    project = factory.SubFactory(ProjectFactory)
    year = 2026
    planned_investment = Decimal("3000")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = "开工"
    baseline_date = datetime.date(2026, 6, 30)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AUDITOR
    password = factory.PostGenerationMethodCall("set_password", "pass12345")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


# --- statistics and reporting (appended for apps/statistics) ------------------


class RegionStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "statistics.RegionStat"

    region = factory.SubFactory(RegionFactory)
    year = 2026
    month = 2
    fai_ytd = Decimal("100000")
    comparable_base = Decimal("90000")


class RegionTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "statistics.RegionTarget"

    region = factory.SubFactory(RegionFactory)
    year = 2026
    growth_pct = Decimal("8")
    amount = Decimal("1200000")


class ProvinceListTotalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "statistics.ProvinceListTotal"

    province = factory.SubFactory(RegionFactory, level=RegionLevel.PROVINCE)
    year = 2026
    project_count = 400
    total_investment = Decimal("80000000")


class MonthlyReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.MonthlyReport"

    project = factory.SubFactory(ProjectFactory)
    year = 2026
    month = 3
    completed_investment = Decimal("100")
    status = "submitted"
