import datetime

from ninja import Field, Schema
from pydantic import ConfigDict


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class AddOut(Schema):
    start: datetime.date
    n: int
    date: datetime.date = Field(..., description="起始日之后第 n 个工作日（次日起算；n 为负数时向前数）")


class BetweenOut(Schema):
    start: datetime.date
    end: datetime.date
    workdays: int = Field(..., description="起始日之后至截止日（含）的工作日数")


class DayOut(Schema):
    date: datetime.date
    is_workday: bool


class OverrideOut(Schema):
    id: int
    date: datetime.date
    is_workday: bool
    name: str


class OverrideIn(_Input):
    date: datetime.date
    is_workday: bool
    name: str


class CalendarYearOut(Schema):
    id: int
    year: int
    source: str


class CalendarYearIn(_Input):
    year: int
    source: str = ""


class CoverageOut(Schema):
    package_first: int
    package_last: int
    entered: list[CalendarYearOut]
