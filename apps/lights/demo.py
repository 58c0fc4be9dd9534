"""Demo lights for the demo city (called by apps.projects.demo.generate_demo inside its
transaction, demo-sized sets only): the city switches on the Yinchuan 2025 rules, Tianjin
2022 for its counties and the deadline slips, records its 集中开工 deadline for this year
(30 June, emphasised since last October) as a rule, and every ended month of this year is
evaluated, so the dashboard, the lists, the project pages and the speech show lights with a
history. Like the rest of the seed it is an initial load and writes no change records."""

import datetime

from apps.accounts.models import Role, User
from apps.regions.models import RegionLevel

from .models import Light, LightRule, LightRuleVersion
from .presets import install
from .services import lights_evaluate

MAX_PROJECTS = 5000
DEMO_PRESETS = (
    "yinchuan-2025-start",
    "yinchuan-2025-investment",
    "yinchuan-2025-statistics",
    "tianjin-2022-fai",
    "deadline-approvals",
    "deadline-problems",
    "deadline-actions",
)


def generate_lights_if_small(*, projects: int, today: datetime.date) -> int | None:
    if projects > MAX_PROJECTS:
        return None
    return generate_lights(today=today)


def generate_lights(*, today: datetime.date) -> int:
    """Switch the demo rules on, add the campaign deadline, evaluate January to last month;
    returns the number of lights of last month."""
    install(LightRule, LightRuleVersion)  # as migration 0002 does (a flushed database has none)
    LightRule.objects.filter(code__in=DEMO_PRESETS).update(is_active=True)
    # The demo city is the city administrator's (the seed also writes peer cities' figures).
    admin = User.objects.filter(role=Role.CITY_ADMIN, region__level=RegionLevel.CITY).select_related("region").first()
    city = admin.region if admin else None
    campaign = LightRule.objects.create(
        code=f"campaign-{today.year}",
        name=f"{today.year}年市级领导包抓项目集中开工",
        subject="project",
        region=city,
        is_active=True,
    )
    campaign.current_version = LightRuleVersion.objects.create(
        rule=campaign,
        number=1,
        measure="campaign_start_by",
        params={"start_by": f"{today.year}-06-30", "emphasised_since": f"{today.year - 1}-10"},
        scope={"project_set": "leader"},
        levels=[
            {"colour": "red", "field": "value", "op": ">", "value": "0"},
            {"colour": "blue", "field": "value", "op": ">=", "value": "-30"},
        ],
        source_title="市政府推进会：原则上今年确定的市级领导包抓重大项目，具备条件的6月30日前必须开工建设",
        reason="示范数据",
    )
    campaign.save(update_fields=["current_version"])
    last = today.replace(day=1) - datetime.timedelta(days=1)
    for month in range(1, last.month + 1 if last.year == today.year else 13):
        lights_evaluate(year=last.year, month=month, trigger="demo")
    return Light.objects.filter(year=last.year, month=last.month).count()
