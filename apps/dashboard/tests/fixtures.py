"""A small city whose dashboard figures are worked out by hand (year 2026, period 1-6月).

On top of the shared `world` (甲区 county A, 乙县 county B):

| project | county | plan 2026 (万元) | leader | planned start | actual start | counted reports 1-6月 |
|---|---|---|---|---|---|---|
| p_a 甲区快速路 | 甲区 | 3000 | 王副市长 | 2026-03-01 | 2026-04-01 | Mar 1000 + May 500 |
| p_b 乙县水厂 | 乙县 | 2000 | 李副市长 | 2026-03-01 | 2026-05-10 | (June 200 is a draft) |
| p_c 乙县学校 | 乙县 | 1000 | — | 2026-03-01 | — | — |
| p_d 甲区产业园 | 甲区 | 4000 | — | 2026-08-01 | — | Apr 800 |

City: 4 key projects, plan 1.00 亿元, completed 0.23 亿元 (23.0%), time share 50.0%, lag 27.0
points (red); 2 leader projects by 2 leaders, both started; p_c planned and not started.
County A: 2 key projects (p_a, p_d), plan 0.70 亿元, completed 0.23 亿元, 1 leader project.
"""

import datetime
from decimal import Decimal

from apps.projects.models import Category, InvestorType, Level, Stage
from apps.regions.models import RegionLevel
from tests import factories as f

YEAR, MONTH = 2026, 6
D = Decimal


def build_town(w):
    w.leader_li = f.PersonFactory(name="李副市长", region=w.city)
    for project, plan in ((w.p_a, 3000), (w.p_b, 2000), (w.p_c, 1000)):
        f.AnnualPlanFactory(project=project, year=YEAR, planned_investment=D(plan))
    w.p_a.actual_start_date = datetime.date(2026, 4, 1)
    w.p_a.stage = Stage.UNDER_CONSTRUCTION
    w.p_a.save()
    w.p_b.actual_start_date = datetime.date(2026, 5, 10)
    w.p_b.stage = Stage.UNDER_CONSTRUCTION
    w.p_b.lead_official = w.leader_li
    w.p_b.save()
    w.p_d = f.ProjectFactory(
        name="甲区产业园",
        region=w.county_a,
        owner_unit=w.owner,
        level=Level.PROVINCIAL,
        category=Category.INDUSTRY,
        investor_type=InvestorType.ENTERPRISE,
        total_investment=D(20000),
        planned_start_date=datetime.date(2026, 8, 1),
    )
    f.AnnualPlanFactory(project=w.p_d, year=YEAR, planned_investment=D(4000))
    report = f.MonthlyReportFactory
    report(project=w.p_a, year=YEAR, month=3, completed_investment=D(1000), status="submitted")
    report(project=w.p_a, year=YEAR, month=5, completed_investment=D(500), status="verified")
    report(project=w.p_b, year=YEAR, month=6, completed_investment=D(200), status="draft")
    report(project=w.p_d, year=YEAR, month=4, completed_investment=D(800), status="submitted")

    w.city_b = f.RegionFactory(code="610400", name="乙市", level=RegionLevel.CITY, parent=w.city.parent)
    stat = f.RegionStatFactory
    stat(region=w.city, year=YEAR, month=MONTH, fai_ytd=D(600000), comparable_base=D(500000))  # +20.0%, rank 1
    stat(region=w.city_b, year=YEAR, month=MONTH, fai_ytd=D(300000), comparable_base=D(280000))  # +7.1%
    stat(region=w.county_a, year=YEAR, month=MONTH, fai_ytd=D(250000), comparable_base=D(200000))  # +25.0%
    stat(region=w.county_b, year=YEAR, month=MONTH, fai_ytd=D(150000), comparable_base=D(150000))  # +0.0%
    f.RegionTargetFactory(region=w.city, year=YEAR, growth_pct=D("8.50"), amount=D(1320000))
    return w
