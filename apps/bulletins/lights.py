"""Which key projects are red or yellow in a bulletin.

The lights engine (issue 15) is being built in parallel; until it lands, this is the
dashboard's lag rule applied per project: a project's lag is the time share minus its
share of the annual plan completed, in points; more than RED_LAG is red, more than
YELLOW_LAG yellow. A bulletin asks only `project_light`, so it can read the engine's
lights later without changing anything else."""

from decimal import Decimal

from apps.dashboard.views import RED_LAG, YELLOW_LAG
from apps.statistics.indicators import percent

RULE_TEXT = "按项目累计完成投资占年度计划比例与时序进度之差判定：落后超过%(red)s个百分点为红灯，落后%(yellow)s至%(red)s个百分点为黄灯。"


def rule_text() -> str:
    return RULE_TEXT % {"red": RED_LAG, "yellow": YELLOW_LAG}


def project_light(*, planned: Decimal | None, completed: Decimal, time_share: Decimal) -> tuple[str, Decimal | None]:
    """("red" | "yellow" | "green" | "none", lag in points) of one key project."""
    rate = percent(completed, planned)
    if rate is None:
        return "none", None
    lag = time_share - rate
    if lag > RED_LAG:
        return "red", lag
    if lag > YELLOW_LAG:
        return "yellow", lag
    return "green", lag


def row_light(row: dict, *, period_end, time_share: Decimal) -> tuple[str, Decimal | None]:
    """The light of a key-project row (snapshot.key_project_rows), judged once the project
    is due: started by the period's end, or planned to start by then."""
    started, planned_start = row["actual_start_date"], row["planned_start_date"]
    due = (started is not None and started <= period_end) or (planned_start is not None and planned_start <= period_end)
    if not due:
        return "none", None
    return project_light(planned=row["planned"], completed=row["completed"], time_share=time_share)
