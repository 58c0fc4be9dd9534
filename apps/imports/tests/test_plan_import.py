"""The plan-list import over a corpus of layouts offices really send, with expected
outcomes worked out by hand; then commit, idempotence, undo and scope."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.audit.services import snapshot
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import (
    import_batch_commit,
    import_batch_create,
    import_batch_preview,
    import_batch_undo,
)
from apps.projects.models import AnnualPlan, Project
from apps.projects.services import project_update

from .workbooks import PLAN_HEADER, csv_bytes, xlsx

CODE = "2026-610302-48-01-900001"


def row(n=1, name="甲区新项目", code=CODE, total=15000, plan="5000", **over):
    values = {
        "序号": n,
        "项目名称": name,
        "项目代码": code,
        "所在县区": "甲区",
        "项目类别": "基础设施",
        "投资主体": "政府投资",
        "建设性质": "新开工",
        "建设内容及规模": "新建道路 5 公里",
        "建设起止年限": "2026-2027",
        "总投资": total,
        "2026年计划投资": plan,
        "包抓领导": "王副市长",
        "牵头单位": "市交通运输局",
        "建设单位": "甲区城投公司",
        "协作单位": "市水利局",
    }
    values.update(over)
    return [values[label] for label in PLAN_HEADER]


def preview(user, content, name="plan.xlsx", **parameters):
    batch = import_batch_create(
        actor=user, kind=ImportKind.PLAN, file_name=name, content=content, parameters=parameters
    )
    return import_batch_preview(batch_id=batch.pk)


def errors(batch):
    return [(e["column"], e["field"], e["message"]) for r in batch.preview for e in r["errors"]]


def commit(user, content, **parameters):
    batch = preview(user, content, **parameters)
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    return import_batch_commit(actor=user, batch_id=batch.pk)


# --- layouts ------------------------------------------------------------------------


def test_plain_one_row_header_in_wan(people, admin):
    commit(admin, xlsx([PLAN_HEADER, row()]))
    project = Project.objects.get(project_code=CODE)
    assert project.total_investment == Decimal("15000")
    # 建设起止年限 gives years: stored as each year's last day, with year precision, shown as years.
    assert (project.planned_start_date, project.planned_end_date) == (
        datetime.date(2026, 12, 31),
        datetime.date(2027, 12, 31),
    )
    assert (project.planned_start_precision, project.planned_end_precision) == ("year", "year")
    assert (project.date_display("planned_start"), project.date_display("planned_end")) == ("2026年", "2027年")
    assert project.stage == "preliminary"  # 新开工 without an actual start
    assert project.annual_plans.get(year=2026).planned_investment == Decimal("5000")
    assert list(project.partner_units.values_list("name", flat=True)) == ["市水利局"]


def test_title_and_unit_line_in_yi_convert_exactly(people, admin):
    rows = [["示范市2026年市级重点项目计划表"], ["单位：亿元"], PLAN_HEADER, row(total=1.2345, plan="0.0001")]
    batch = commit(admin, xlsx(rows, merges=[(0, 0, 0, 14, "示范市2026年市级重点项目计划表")]))
    project = Project.objects.get(project_code=CODE)
    assert project.total_investment == Decimal("12345")
    assert project.annual_plans.get(year=2026).planned_investment == Decimal("1")
    assert project.level == "municipal" and batch.parameters["level"] == "municipal"


def test_merged_two_row_header_with_unit_in_the_group_label(people, admin):
    top = [
        "序号",
        "项目名称",
        "项目代码",
        "所在县区",
        "项目类别",
        "投资主体",
        "建设性质",
        "建设内容及规模",
        "建设起止年限",
        "投资情况（亿元）",
        "",
        "包抓领导",
        "牵头单位",
        "建设单位",
        "协作单位",
    ]
    sub = ["", "", "", "", "", "", "", "", "", "总投资", "2026年计划投资", "", "", "", ""]
    merges = [(0, col, 1, col, top[col]) for col in range(15) if col not in (9, 10)] + [(0, 9, 0, 10, top[9])]
    commit(admin, xlsx([top, sub, row(total=2, plan=0.5)], merges=merges))
    project = Project.objects.get(project_code=CODE)
    assert project.total_investment == Decimal("20000")
    assert project.annual_plans.get().planned_investment == Decimal("5000")


def test_header_synonyms_and_county_from_the_location(people, admin):
    header = [
        "项目名称",
        "项目编码",
        "建设地点",
        "项目类型",
        "投资类型",
        "项目阶段",
        "建设规模及内容",
        "建设年限",
        "计划总投资（万元）",
        "本年计划投资",
        "联系领导",
        "牵头部门",
        "项目业主",
        "责任单位",
    ]
    data = [
        "乙县新水厂",
        "2026-610303-48-01-900002",
        "乙县城关镇",
        "社会民生",
        "企业投资",
        "前期工作",
        "日供水 5 万吨",
        "2026年-2028年",
        "８,０００",
        "1,200",
        "王副市长",
        "市水利局",
        "乙县建设公司",
        "市交通运输局、市自然资源局",
    ]
    commit(admin, xlsx([header, data]), year=2026)
    project = Project.objects.get(project_code="2026-610303-48-01-900002")
    assert project.region.name == "乙县" and project.location == "乙县城关镇"
    assert (project.category, project.investor_type, project.stage) == ("social", "enterprise", "preliminary")
    assert project.total_investment == Decimal("8000")
    assert project.annual_plans.get(year=2026).planned_investment == Decimal("1200")
    assert project.partner_units.count() == 2


def test_group_rows_give_the_category_and_counts_are_checked(people, admin):
    rows = [
        PLAN_HEADER,
        ["一、产业项目（2个）"],
        row(**{"项目类别": ""}),
        ["二、生态环保项目"],
        row(
            2,
            "乙县湿地",
            "2026-610303-48-01-900003",
            **{"项目类别": "", "所在县区": "乙县", "建设单位": "乙县建设公司"},
        ),
    ]
    batch = commit(admin, xlsx(rows))
    assert Project.objects.get(project_code=CODE).category == "industry"
    assert Project.objects.get(project_code="2026-610303-48-01-900003").category == "ecology"
    assert any("标明 2 个项目，实际列出 1 个" in warning for warning in batch.warnings)


def test_subtotal_and_total_rows_are_skipped_and_cross_checked(people, admin):
    second = row(2, "甲区二号路", "2026-610302-48-01-900004", total=5000, plan="1000")
    rows = [
        PLAN_HEADER,
        ["一、基础设施项目（2个）"],
        row(),
        second,
        ["", "小计", "", "", "", "", "", "", "", 20000, 6000],
        ["", "合计", "", "", "", "", "", "", "", 20001, 6000],
    ]
    batch = commit(admin, xlsx(rows))
    assert batch.rows_new == 2 and batch.rows_total == 2
    assert batch.warnings == ["工作表“Sheet1”第 6 行合计 J列为 20001，而所列项目合计为 20000（万元）。"]


def test_blank_footnote_and_column_number_rows_are_skipped(people, admin):
    numbers = list(range(1, 16))
    rows = [
        PLAN_HEADER,
        numbers,
        [],
        row(),
        [None] * 5,
        ["注：1. 总投资单位为万元；2. 建设性质填新开工或续建。"],
        ["填报单位：甲区发改局"],
    ]
    batch = commit(admin, xlsx(rows))
    assert (batch.rows_total, batch.rows_new) == (1, 1)


def test_numbers_as_text_full_width_and_thousands_separators(people, admin):
    commit(admin, xlsx([PLAN_HEADER, row(total="１２,３４５.５", plan=" 1,000 ")]))
    project = Project.objects.get(project_code=CODE)
    assert project.total_investment == Decimal("12345.5")
    assert project.annual_plans.get().planned_investment == Decimal("1000")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_csv_plan_in_each_encoding(people, admin, encoding):
    batch = commit(
        admin, csv_bytes([["示范市2026年重点项目计划表"], ["单位：万元"], PLAN_HEADER, row()], encoding=encoding)
    )
    assert batch.encoding in {"gbk": "GB18030", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16LE"}[encoding]
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("15000")


# --- errors: named, and nothing written ------------------------------------------------


def test_unknown_names_and_bad_cells_are_row_errors_and_nothing_is_written(people, admin):
    rows = [
        PLAN_HEADER,
        row(),
        row(2, "坏数据", "2026-610302-48-01-900009", total="很多", **{"建设单位": "不存在公司", "包抓领导": "李四"}),
    ]
    before = Project.objects.count()
    batch = preview(admin, xlsx(rows))
    assert batch.status == BatchStatus.INVALID and batch.rows_error == 1 and batch.rows_new == 1
    assert errors(batch) == [
        ("J", "总投资", "“很多”不是有效的数字"),
        ("L", "包抓领导", "系统中没有名为“李四”的市级领导"),
        ("N", "建设单位", "系统中没有名为“不存在公司”的单位"),
    ]
    assert batch.preview[0]["row"] == 3
    with pytest.raises(Exception, match="待确认"):
        import_batch_commit(actor=admin, batch_id=batch.pk)
    assert Project.objects.count() == before


def test_an_amount_beyond_any_decimal_is_a_row_error(people, admin):
    # 1e30 万元 has more digits than Decimal keeps at 4 places: a cell error, also in a 合计 row.
    rows = [PLAN_HEADER, row(total=1e30), ["", "合计", "", "", "", "", "", "", "", "1e40", 5000]]
    batch = preview(admin, xlsx(rows))
    assert batch.status == BatchStatus.INVALID
    assert errors(batch) == [("J", "总投资", "“1e+30”数值过大")]
    assert not Project.objects.filter(project_code=CODE).exists()


def test_duplicate_codes_bad_code_and_plan_outside_the_span(people, admin):
    rows = [
        PLAN_HEADER,
        row(),
        row(2, "重复", CODE),
        row(3, "坏代码", "2026-61"),
        row(4, "超年限", "2026-610302-48-01-900005", **{"建设起止年限": "2027-2028"}),
    ]
    batch = preview(admin, xlsx(rows))
    found = errors(batch)
    assert ("C", "项目代码", "与第 2 行的项目代码重复") in found
    assert any(
        column == "C" and "项目代码" in message
        for column, _f, message in found
        if _f == "项目代码" and "重复" not in message
    )
    assert any(column == "I" and "不在项目建设起止年限" in message for column, _f, message in found)


def test_a_sheet_without_a_header_is_refused_as_a_whole(people, admin):
    batch = preview(admin, xlsx([["随便写的"], ["一些数字", 1, 2]]))
    assert batch.status == BatchStatus.INVALID
    assert "没有找到表头" in batch.message


# --- matching, idempotence, undo ---------------------------------------------------------


def test_existing_project_by_code_shows_its_differences_then_a_second_import_changes_nothing(people, admin):
    people.p_a.project_code = CODE
    people.p_a.save()
    content = xlsx([PLAN_HEADER, row(name="甲区快速路", total=12000)])
    batch = preview(admin, content)
    assert batch.rows_changed == 1
    changes = batch.preview[0]["changes"]
    assert changes["总投资"] == ["10000", "12000"]
    assert changes["2026年计划投资"] == ["", "5000"]
    import_batch_commit(actor=admin, batch_id=batch.pk)
    people.p_a.refresh_from_db()
    assert people.p_a.total_investment == Decimal("12000") and people.p_a.version == 2
    again = preview(admin, content)
    assert (again.rows_changed, again.rows_unchanged, again.rows_new) == (0, 1, 0)
    assert not again.can_commit


def test_match_by_name_within_the_region_when_there_is_no_code(people, admin):
    commit(
        admin,
        xlsx(
            [
                PLAN_HEADER,
                row(
                    name="乙县学校",
                    code="",
                    total=10000,
                    **{
                        "所在县区": "乙县",
                        "建设单位": "乙县建设公司",
                        "协作单位": "",
                        "建设性质": "前期",
                        "包抓领导": "",
                        "牵头单位": "市水利局",
                    },
                ),
            ]
        ),
    )
    people.p_c.refresh_from_db()
    assert people.p_c.annual_plans.get(year=2026).planned_investment == Decimal("5000")
    assert Project.objects.filter(name="乙县学校").count() == 1


def test_commit_writes_one_change_record_per_object_under_the_batch(people, admin):
    batch = commit(admin, xlsx([PLAN_HEADER, row(), row(2, "甲区二号路", "2026-610302-48-01-900004")]))
    records = ChangeRecord.objects.filter(request_id=batch.request_id)
    assert sorted(records.values_list("content_type__model", "action")) == [
        ("annualplan", "create"),
        ("annualplan", "create"),
        ("project", "create"),
        ("project", "create"),
    ]
    record = records.get(content_type__model="project", object_repr="甲区新项目")
    assert record.after["total_investment"] == "15000" and record.after["partner_units"] == [people.other_dept.pk]
    assert record.user == admin


def test_undo_puts_everything_back(people, admin):
    people.p_a.project_code = CODE
    people.p_a.save()
    batch = commit(
        admin,
        xlsx([PLAN_HEADER, row(name="甲区快速路", total=12000), row(2, "甲区二号路", "2026-610302-48-01-900004")]),
    )
    assert Project.objects.filter(name="甲区二号路").exists()
    import_batch_undo(actor=admin, batch_id=batch.pk)
    people.p_a.refresh_from_db()
    assert people.p_a.total_investment == Decimal("10000")
    assert not Project.objects.filter(name="甲区二号路").exists()
    assert not AnnualPlan.objects.filter(project=people.p_a, year=2026).exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDONE
    assert ChangeRecord.objects.filter(request_id=f"undo-{batch.request_id}"[:64], action="delete").count() == 3


def test_undo_restores_partners_and_records_each_object_as_it_was(people, admin):
    people.p_a.project_code = CODE
    people.p_a.save()
    before_import = snapshot(Project.objects.get(pk=people.p_a.pk))
    batch = commit(admin, xlsx([PLAN_HEADER, row(name="甲区快速路", total=12000)]))
    project = Project.objects.get(pk=people.p_a.pk)
    assert list(project.partner_units.values_list("name", flat=True)) == ["市水利局"]
    import_batch_undo(actor=admin, batch_id=batch.pk)

    project = Project.objects.get(pk=people.p_a.pk)
    assert not project.partner_units.exists()
    assert project.version == before_import["version"] + 2  # the import's bump, then the undo's
    assert {**snapshot(project), "version": None} == {**before_import, "version": None}
    undo = {r.object_repr: r for r in ChangeRecord.objects.filter(request_id=f"undo-{batch.request_id}"[:64])}
    assert undo["甲区快速路"].action == "update"
    assert undo["甲区快速路"].after == snapshot(project)
    assert undo["甲区快速路"].before["partner_units"] == [people.other_dept.pk]
    assert undo["甲区快速路 2026年计划"].action == "delete"


def test_undo_reads_and_writes_in_bulk(people, admin):
    """The same statements for 2 rows as for 12: no query per object."""
    counts = []
    for size in (2, 12):
        rows = [row(n, f"批量{size}-{n}", f"2026-610302-48-01-9{size:02d}{n:03d}") for n in range(size)]
        batch = commit(admin, xlsx([PLAN_HEADER, *rows]))
        with CaptureQueriesContext(connection) as queries:
            import_batch_undo(actor=admin, batch_id=batch.pk)
        counts.append(len(queries))
        assert not Project.objects.filter(name__startswith=f"批量{size}-").exists()
    assert counts[0] == counts[1]


def test_undo_is_refused_once_someone_changed_the_rows(people, admin):
    batch = commit(admin, xlsx([PLAN_HEADER, row()]))
    project = Project.objects.get(project_code=CODE)
    project_update(actor=admin, project_id=project.pk, expected_version=project.version, fields={"scope": "改了"})
    with pytest.raises(Exception, match="不能撤销"):
        import_batch_undo(actor=admin, batch_id=batch.pk)
    assert Project.objects.filter(project_code=CODE).exists()


# --- scope ------------------------------------------------------------------------------


def test_a_county_user_cannot_touch_another_county(people, county_user):
    people.p_c.project_code = CODE
    people.p_c.save()
    batch = preview(
        county_user,
        xlsx(
            [
                PLAN_HEADER,
                row(name="乙县学校", **{"所在县区": "乙县"}),
                row(2, "乙县新项目", "2026-610303-48-01-900007", **{"所在县区": "乙县"}),
            ]
        ),
    )
    assert batch.status == BatchStatus.INVALID
    found = errors(batch)
    # 乙县 is not a region the county user knows: outside their scope, it is no name at all.
    assert ("D", "所在县区", "“乙县”不在您的管辖范围内（您只能导入甲区的项目）") in found


def test_roles_that_may_not_import_plans(people):
    for role in (Role.OWNER_REPORTER, Role.DEPARTMENT_USER, Role.AUDITOR, Role.CITY_LEADER):
        batch = preview(people.users[role], xlsx([PLAN_HEADER, row()]))
        assert batch.status == BatchStatus.INVALID and "只有" in batch.message
    assert not Project.objects.filter(project_code=CODE).exists()
