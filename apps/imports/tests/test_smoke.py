from decimal import Decimal

from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview
from apps.projects.models import Project

from .workbooks import PLAN_HEADER, xlsx


def test_plan_roundtrip(people, admin):
    rows = [
        ["示范市2026年市级重点项目计划表"],
        ["单位：亿元"],
        PLAN_HEADER,
        ["一、基础设施项目（1个）"],
        [
            1,
            "甲区新项目",
            "2026-610302-48-01-900001",
            "甲区",
            "",
            "政府投资",
            "新开工",
            "建路",
            "2026-2027",
            1.5,
            "0.5",
            "王副市长",
            "市交通运输局",
            "甲区城投公司",
            "市自然资源局、市水利局",
        ],
        ["", "合计", "", "", "", "", "", "", "", 1.5, 0.5],
    ]
    batch = import_batch_create(actor=admin, kind=ImportKind.PLAN, file_name="plan.xlsx", content=xlsx(rows))
    batch = import_batch_preview(batch_id=batch.pk)
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, batch.preview[0]["errors"])
    assert batch.rows_new == 1
    batch = import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code="2026-610302-48-01-900001")
    assert project.total_investment == Decimal("15000")
    assert project.category == "infrastructure"
    assert project.annual_plans.get(year=2026).planned_investment == Decimal("5000")
    assert sorted(project.partner_units.values_list("name", flat=True)) == ["市水利局", "市自然资源局"]
