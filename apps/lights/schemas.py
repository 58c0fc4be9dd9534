"""Request and response shapes of /api/v1/lights and /api/v1/light-rules."""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from apps.projects.schemas import RegionRef


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class RuleRef(Schema):
    id: int
    code: str
    name: str


class LightOut(Schema):
    id: int
    rule: RuleRef
    version: int = Field(..., description="点亮该灯的规则版本号")
    subject: str
    object_id: int
    label: str
    project_id: int | None
    region: RegionRef
    year: int
    month: int
    colour: str
    value: Decimal | None = Field(None, description="度量值（两位小数）")
    threshold: str = Field(..., description="触发的阈值（文字）")
    reason: str = Field(..., description="亮灯原因（文字）")
    streak: int = Field(..., description="连续亮灯（黄灯及以上）月数")

    @staticmethod
    def resolve_version(obj):
        return obj.version.number


class LightListOut(Schema):
    count: int
    limit: int
    offset: int
    year: int
    month: int
    items: list[LightOut]


class RegionCountOut(Schema):
    region_id: int
    name: str
    counts: dict[str, int]
    total: int


class VersionOut(Schema):
    number: int
    measure: str
    params: dict[str, Any]
    scope: dict[str, Any]
    levels: list[dict[str, Any]]
    memory: dict[str, Any]
    actions: dict[str, Any]
    source_title: str
    source_url: str
    reason: str
    created_at: datetime.datetime


class RuleOut(Schema):
    id: int
    code: str
    name: str
    subject: str
    region: RegionRef | None
    is_active: bool
    preset: str
    current_version: VersionOut | None


class RuleDetailOut(RuleOut):
    versions: list[VersionOut] = Field(..., alias="versions_all")


class DefinitionIn(_Input):
    measure: str
    params: dict[str, Any] = {}
    scope: dict[str, Any] = {}
    levels: list[dict[str, Any]]
    memory: dict[str, Any] = {}
    actions: dict[str, Any] = {}
    source_title: str = ""
    source_url: str = ""


class RuleIn(DefinitionIn):
    code: str = Field(..., max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(..., max_length=100)
    subject: str
    region: int | None = Field(None, description="适用区划 id；空为全部")
    is_active: bool = False


class LightVersionIn(DefinitionIn):
    reason: str = Field(..., max_length=300)
    name: str | None = Field(None, max_length=100)


class ActiveIn(_Input):
    is_active: bool


class LightPeriodIn(_Input):
    year: int
    month: int


class ReplayIn(LightPeriodIn):
    definition: DefinitionIn | None = Field(None, description="拟保存的新版本；空为当前版本")


class ReplayItemOut(Schema):
    object_id: int
    label: str
    colour: str
    value: Decimal | None
    threshold: str
    reason: str
    was: str | None = Field(None, description="该期已保存的颜色（未亮灯为空）")


class ReplayOut(Schema):
    year: int
    month: int
    counts: dict[str, int]
    changes: dict[str, int]
    notes: list[str]
    items: list[ReplayItemOut]


class RunOut(Schema):
    year: int
    month: int
    lights: int
    seconds: Decimal
    notes: str


class MeasureOut(Schema):
    key: str
    subject: str
    label: str
    unit: str
    fields: dict[str, str]
    params: list[dict[str, Any]]
    description: str
