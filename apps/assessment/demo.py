"""Demo assessment for the demo city (called by apps.projects.demo.generate_demo inside its
transaction, demo-sized sets only): the year's scheme with the issue's indicators and a mix of
the published scoring methods, for the counties and for the lead departments (two rankings,
as Mianyang's 红黑榜 has two sequences), the on-site review scores of Q2 and Q3, both quarters computed
from the demo's figures and lights and published (so Q3 shows ranks with their movement).
Like the rest of the seed it is an initial load and writes no change records: the objects
directly, the quarters by the services' core (build_run, mark_published)."""

import datetime
import random

from apps.accounts.models import Role, User
from apps.regions.models import RegionLevel

from .indicators import counties_of, departments_of
from .models import QuarterInput, Scheme, SchemeIndicator, Subject, Subjects
from .services import build_run, mark_published

MAX_PROJECTS = 5000
INDICATORS = (
    ("fai_growth", "15", "efficacy", {}),
    ("fai_vs_target", "10", "points_per_unit", {"base": 8, "reference": 0, "unit": 1, "points": "0.5", "cap": 2}),
    ("start_rate", "10", "proportion", {"target": 100}),
    ("plan_completion_rate", "15", "steps_vs_average", {"base": 12, "step": 10, "divisors": [20, 40, 60]}),
    ("yi_new_starts", "10", "rank_bands", {"bands": [[1, 3, 10], [4, 6, 7], [7, 10, 4]]}),
    ("provincial_projects", "5", "proportion", {}),
    ("statistics_pending", "5", "deduction", {"per_item": "0.5", "cap": 5}),
    ("red_lights", "10", "deduction", {"per_item": "0.5", "cap": 10}),
    # A county with nothing due (no problem, approval, bond batch or signed lead) is left out of
    # that indicator rather than scored 0 for work it never had.
    ("problems_on_time", "5", "proportion", {"target": 100, "missing": "exclude"}),
    ("approvals_on_time", "5", "proportion", {"target": 100, "missing": "exclude"}),
    ("bond_pace", "5", "proportion", {"target": 100, "missing": "exclude"}),
    ("investment_arrival", "5", "efficacy", {"missing": "exclude"}),
)


# The lead departments, on what they answer for: the projects they lead (start, plan, red
# lights), the problems they are responsible for and the approvals they handle. Nothing due:
# left out (无数据), not scored 0.
DEPARTMENT_INDICATORS = (
    ("start_rate", "25", "proportion", {"target": 100, "missing": "exclude"}),
    ("plan_completion_rate", "25", "efficacy", {"missing": "exclude"}),
    ("problems_on_time", "20", "proportion", {"target": 100, "missing": "exclude"}),
    ("approvals_on_time", "20", "proportion", {"target": 100, "missing": "exclude"}),
    ("red_lights", "10", "deduction", {"per_item": "0.5", "cap": 10, "missing": "exclude"}),
)


def demo_year(today: datetime.date) -> int:
    """The latest year whose third quarter has ended."""
    return today.year if today.month >= 10 else today.year - 1


def generate_assessment_if_small(*, projects: int, seed: int, today: datetime.date):
    if projects > MAX_PROJECTS:
        return None
    admin = User.objects.filter(username="admin", role=Role.CITY_ADMIN, region__level=RegionLevel.CITY).first()
    if admin is None:
        return None
    return generate_assessment(admin=admin, seed=seed, today=today)


def demo_scheme(*, city, year: int) -> Scheme:
    """The demo city's scheme of `year` with its county and department indicators (also the
    province-scale benchmark's, bench/assessment.py --create-scheme)."""
    scheme = Scheme.objects.create(
        region=city,
        year=year,
        name=f"{year}年重大项目建设季度考核方案",
        list_size=3,
        flag_bottom=3,
        flag_months=2,
        source="参照：禹州2018（月度30%×3 + 现场评议10%）、三明2020功效系数法、对标平均分档赋分；部门排名参照绵阳红黑榜（县区、部门两个序列）",
        subjects=Subjects.BOTH,
    )
    SchemeIndicator.objects.bulk_create(
        SchemeIndicator(
            scheme=scheme, subject=subject, key=key, weight=weight, method=method, params=params, position=position
        )
        for subject, indicators in ((Subject.COUNTY, INDICATORS), (Subject.DEPARTMENT, DEPARTMENT_INDICATORS))
        for position, (key, weight, method, params) in enumerate(indicators, start=1)
    )
    return scheme


def generate_assessment(*, admin, seed: int, today: datetime.date):
    """The scheme, Q2 and Q3 published; returns the Q3 run."""
    year = demo_year(today)
    city = admin.region
    scheme = demo_scheme(city=city, year=year)
    rng = random.Random(seed + 15)
    counties = counties_of(city)
    departments = departments_of(city)
    run = None
    for quarter in (2, 3):
        QuarterInput.objects.bulk_create(
            [
                QuarterInput(scheme=scheme, quarter=quarter, region=county, review_score=rng.randint(78, 96))
                for county in counties
            ]
            + [
                QuarterInput(scheme=scheme, quarter=quarter, organisation=department, review_score=rng.randint(78, 96))
                for department in departments
            ]
        )
        run = build_run(actor=admin, scheme=scheme, quarter=quarter, counties=counties, version=1)
        mark_published(run, actor=admin)
    return run
