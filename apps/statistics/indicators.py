"""The indicators of the speeches, computed in one place (contract; see indicators_compute).

Every figure is an `Indicator` carrying the ids of the projects behind it, so the UI can
link each number to its project list. Region statistics (FAI, growth, rank) carry no
projects: they link to the region's statistics instead.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Indicator:
    key: str  # stable English name, e.g. "start_rate"
    label: str  # Chinese label shown in the UI
    value: Decimal | int | None  # None: no data (e.g. no last-year base), never a guessed 0
    unit: str  # "个", "名", "亿元", "万元", "%", "个百分点", "位", "天"
    project_ids: tuple[int, ...] = ()
    definition: str = ""  # how the figure is computed (tooltip, README glossary)


@dataclass(frozen=True)
class SeriesPoint:
    """One category of a chart series (a month, a county, a category, an investor type)."""

    key: str
    label: str
    values: dict[str, Decimal | int | None]
    project_ids: tuple[int, ...] = ()


@dataclass
class IndicatorReport:
    region_id: int
    year: int
    month: int
    project_set: str
    indicators: dict[str, Indicator] = field(default_factory=dict)
    # Charts: by month (1..month), by county (sub-regions of the region), by category, by investor type.
    by_month: list[SeriesPoint] = field(default_factory=list)
    by_county: list[SeriesPoint] = field(default_factory=list)
    by_category: list[SeriesPoint] = field(default_factory=list)
    by_investor_type: list[SeriesPoint] = field(default_factory=list)
    # Not-started projects planned to start this year, with their latest recorded problems.
    not_started: list[dict] = field(default_factory=list)

    def __getitem__(self, key: str) -> Indicator:
        return self.indicators[key]
