"""The classes of silently wrong numbers (issue 11, classes 1-13), one realistic workbook
each and combinations, with exact expected amounts in 万元 and what the preview says."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import Role
from apps.imports import layout as L
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview
from apps.projects.models import AnnualPlan, DatePrecision, Project
from apps.reporting.models import MonthlyReport, ReportingPeriod, ReportStatus
from apps.statistics.indicators import _conditions
from tests import factories as f

from .test_plan_import import CODE, errors, preview, row
from .workbooks import PLAN_HEADER, xlsx

TITLE = ["示范市2026年重点项目计划表"]


def book(rows, **options) -> bytes:
    """An .xlsx as offices make it, its sheet named 计划: hidden rows and columns, merges, formulas."""
    return xlsx(rows, sheet="计划", **options)


def code(n: int, county: str = "610302") -> str:
    return f"2026-{county}-48-01-{900000 + n:06d}"


def reading(batch) -> dict:
    return batch.reading


# --- 1. units -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_line", "header", "total", "plan"),
    [
        ("单位：元", "总投资", 150_000_000, 50_000_000),
        ("金额单位：千元", "总投资", 150_000, 50_000),
        ("单位：万元", "总投资", 15_000, 5_000),
        ("单位：亿元", "总投资", 1.5, 0.5),
        ("", "总投资（元）", 150_000_000, None),
        ("", "总投资(千元)", 150_000, None),
    ],
)
def test_units_wherever_they_stand_are_converted_exactly(people, admin, unit_line, header, total, plan):
    head = [header if label == "总投资" else label for label in PLAN_HEADER]
    values = row(total=total, plan=plan if plan is not None else 5000)
    batch = preview(admin, xlsx([TITLE, [unit_line], head, values]))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert project.total_investment == Decimal("15000")
    assert project.annual_plans.get(year=2026).planned_investment == Decimal("5000")
    unit = next(a for a in reading(batch)["assumptions"] if "J列" in a)
    expected = header[4:-1] if "（" in header or "(" in header else unit_line.split("：")[-1]
    assert f"按{expected}读取" in unit


def test_a_merged_group_header_in_yi_applies_to_its_columns(people, admin):
    top = PLAN_HEADER[:9]
    top += ["投资情况（亿元）", "", "包抓领导", "牵头单位", "建设单位", "协作单位"]
    sub = [""] * 9 + ["总投资", "2026年计划投资"] + [""] * 4
    values = row(total=1.23456789, plan=0.5)
    batch = preview(admin, book([TITLE, top, sub, values], merges=[(1, 9, 1, 10, "投资情况（亿元）")]))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    shown = batch.preview[0]["changes"]
    assert shown["总投资"] == ["", "12345.6789"] and shown["2026年计划投资"] == ["", "5000"]  # class 13 too
    import_batch_commit(actor=admin, batch_id=batch.pk)
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("12345.6789")


def test_implausible_amounts_need_a_confirmation(people, admin):
    # 15,000 亿元 typed into a 万元 sheet as 150000000, and a plan above the total.
    rows = [TITLE, ["单位：万元"], PLAN_HEADER, row(total=15_000_000), row(2, "乙项目", code(2), total=0.5, plan=0.2)]
    batch = preview(admin, xlsx(rows))
    assert batch.status == BatchStatus.PREVIEWED
    confirmations = reading(batch)["confirmations"]
    assert len(confirmations) == 2
    assert "超过 1,000 亿元" in confirmations[0] and "第 4 行" in confirmations[0]
    assert "第 5 行“乙项目”总投资 0.5 万元不足 1 万元" in confirmations[1]
    with pytest.raises(ValidationError, match="需要核对"):
        import_batch_commit(actor=admin, batch_id=batch.pk)
    assert not Project.objects.filter(project_code=CODE).exists()
    import_batch_commit(actor=admin, batch_id=batch.pk, confirm=True)
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("15000000")


# --- 2. several candidate columns -----------------------------------------------------


def _two_years():
    head = [*PLAN_HEADER[:10], "2025年计划投资", "2026年计划投资", *PLAN_HEADER[11:]]
    values = row()
    values = [*values[:10], 9999, 5000, *values[11:]]
    return head, values


def test_the_plan_year_picks_its_column_and_a_hidden_earlier_year_is_listed(people, admin):
    head, values = _two_years()
    batch = preview(admin, book([TITLE, head, values], hidden_columns=[10]))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert batch.parameters["year"] == 2026
    unused = {(c["letter"], c["label"]) for c in reading(batch)["unused_columns"]}
    assert ("K", "2025年计划投资") in unused
    assert any("计划年度：2026（取自标题" in a for a in reading(batch)["assumptions"])
    import_batch_commit(actor=admin, batch_id=batch.pk)
    assert list(AnnualPlan.objects.values_list("year", "planned_investment")) == [(2026, Decimal("5000"))]


def test_a_hidden_column_feeds_nothing_unless_chosen(people, admin):
    """Not only a second candidate: a field's only column, hidden, is listed and not read."""
    scope = PLAN_HEADER.index("建设内容及规模")
    letter = chr(ord("A") + scope)
    batch = preview(admin, book([TITLE, PLAN_HEADER, row()], hidden_columns=[scope]))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    unused = {c["letter"]: c for c in reading(batch)["unused_columns"]}
    assert unused[letter]["label"] == "建设内容及规模" and "隐藏列" in str(unused[letter])
    assert "建设内容及规模" not in batch.preview[0]["changes"]
    batch = preview(admin, book([TITLE, PLAN_HEADER, row()], hidden_columns=[scope]), columns={"scope": letter})
    assert batch.preview[0]["changes"]["建设内容及规模"] == ["", "新建道路 5 公里"]
    import_batch_commit(actor=admin, batch_id=batch.pk)
    assert Project.objects.get(project_code=CODE).scope == "新建道路 5 公里"


def test_the_plan_year_is_a_choice(people, admin):
    head, values = _two_years()
    values[8] = "2025-2027"
    batch = preview(admin, book([["重点项目计划表"], head, values]), year=2025)
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert any("计划年度：2025（导入时选择）" in a for a in reading(batch)["assumptions"])
    assert ("L", "2026年计划投资") in {(c["letter"], c["label"]) for c in reading(batch)["unused_columns"]}


def test_a_year_with_no_column_is_refused_naming_the_columns(people, admin):
    head = [*PLAN_HEADER[:10], "2025年计划投资", *PLAN_HEADER[11:]]
    batch = preview(admin, xlsx([TITLE, head, row()]))
    assert batch.status == BatchStatus.INVALID
    assert "没有“2026年计划投资”列" in batch.message and "K列“2025年计划投资”" in batch.message


def test_two_columns_for_one_field_need_a_choice(people, admin):
    head = [*PLAN_HEADER, "总投资"]
    values = [*row(), 20000]
    batch = preview(admin, xlsx([TITLE, head, values]))
    assert batch.status == BatchStatus.INVALID
    assert "多列可作“总投资”" in batch.message and "J列" in batch.message and "P列" in batch.message
    batch = preview(admin, xlsx([TITLE, head, values]), columns={"total_investment": "P"})
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert ("J", "总投资") in {(c["letter"], c["label"]) for c in reading(batch)["unused_columns"]}
    import_batch_commit(actor=admin, batch_id=batch.pk)
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("20000")


# --- 3. month columns of a progress sheet ------------------------------------------------


@pytest.fixture
def october(world):
    ReportingPeriod.objects.create(year=2026, month=10, deadline=datetime.date(2026, 10, 25))
    f.MonthlyReportFactory(
        project=world.p_a, year=2026, month=9, completed_investment=Decimal("300"), status=ReportStatus.VERIFIED
    )
    return world


def _progress(user, header, values, **parameters):
    content = xlsx([["示范市重点项目2026年10月推进情况表"], header, values])
    batch = import_batch_create(
        actor=user, kind=ImportKind.PROGRESS, file_name="p.xlsx", content=content, parameters=parameters
    )
    return import_batch_preview(batch_id=batch.pk)


@pytest.mark.parametrize("month_label", ["10月完成投资", "本月完成投资", "当月完成"])
def test_month_and_year_to_date_are_both_read_and_checked(october, month_label):
    admin = october.users[Role.CITY_ADMIN]
    header = ["项目代码", "项目名称", "9月完成投资", month_label, "1-10月完成投资", "存在问题"]
    project = october.p_a
    bad = _progress(admin, header, [project.project_code, project.name, 300, 120, 500, ""])
    assert bad.status == BatchStatus.INVALID
    assert errors(bad) == [("E", "1-X月完成投资", "1-10月累计 500 与此前各月合计 300 加本月 120 不符")]
    assert ("C", "9月完成投资") in {(c["letter"], c["label"]) for c in bad.reading["unused_columns"]}
    good = _progress(admin, header, [project.project_code, project.name, 300, 120, 420, ""])
    assert good.status == BatchStatus.PREVIEWED, (good.message, errors(good))
    import_batch_commit(actor=admin, batch_id=good.pk)
    assert MonthlyReport.objects.get(project=project, month=10).completed_investment == Decimal("120")


# --- 4, 5. year-only dates, 建设性质 ------------------------------------------------------


def test_year_only_dates_stay_year_only_and_are_due_at_the_end_of_the_year(people, admin):
    rows = [TITLE, PLAN_HEADER, row(), row(2, "无年限新开工", code(2), plan="", **{"建设起止年限": ""})]
    commit_batch = preview(admin, xlsx(rows))
    assert commit_batch.status == BatchStatus.PREVIEWED, (commit_batch.message, errors(commit_batch))
    shown = {r["label"]: r["changes"] for r in commit_batch.preview}
    assert shown["甲区新项目"]["计划开工日期"] == ["", "2026年"]
    import_batch_commit(actor=admin, batch_id=commit_batch.pk)
    for project in Project.objects.filter(project_code__in=[CODE, code(2)]):
        assert project.planned_start_date == datetime.date(2026, 12, 31)
        assert project.planned_start_precision == DatePrecision.YEAR
    # A planned new start of 2026, but not 应开未开 before the year is over.
    conditions = _conditions(year=2026, end=datetime.date(2026, 10, 31), threshold=Decimal(5000))
    imported = Project.objects.filter(project_code__in=[CODE, code(2)])
    assert imported.filter(conditions["planned_new"]).count() == 2
    assert imported.filter(conditions["not_started"]).count() == 0
    year_end = _conditions(year=2026, end=datetime.date(2026, 12, 31), threshold=Decimal(5000))
    assert imported.filter(year_end["not_started"]).count() == 2


@pytest.mark.parametrize("typed", ["2026年3月", "2026-03", "2026/3", "2026.03"])
def test_month_only_dates_stay_month_only_and_the_preview_says_so(people, admin, typed):
    """No day is invented: "2026年3月" is stored as 31 March with precision 月, shown as it was
    said, and 应开未开 only once March is over."""
    rows = [TITLE, [*PLAN_HEADER, "计划开工日期"], [*row(), typed]]
    batch = preview(admin, xlsx(rows))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert batch.preview[0]["changes"]["计划开工日期"] == ["", "2026年3月"]
    assert any("按精度“月”保存" in a for a in reading(batch)["assumptions"])
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert (project.planned_start_date, project.planned_start_precision) == (
        datetime.date(2026, 3, 31),
        DatePrecision.MONTH,
    )
    only = Project.objects.filter(pk=project.pk)
    mid_march = _conditions(year=2026, end=datetime.date(2026, 3, 15), threshold=Decimal(5000))
    march_end = _conditions(year=2026, end=datetime.date(2026, 3, 31), threshold=Decimal(5000))
    assert not only.filter(mid_march["not_started"]).exists()
    assert only.filter(march_end["not_started"]).exists()


@pytest.mark.parametrize("typed", ["2026年3月", "2026-03"])
def test_a_month_only_date_where_no_precision_is_kept_is_refused(typed):
    """A progress sheet's 实际开工日期 has no precision to keep: the 1st would be invented."""
    with pytest.raises(L.CellError, match="只到月份"):
        L.cell_date(typed)


def test_continuing_rows_without_a_start_date_are_accepted_as_started_before_the_year(people, admin):
    rows = [TITLE, PLAN_HEADER, row(**{"建设性质": "续建", "建设起止年限": "2024-2027"})]
    batch = preview(admin, xlsx(rows))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert batch.preview[0]["changes"]["实际开工日期"] == ["", "2025年底前"]
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert (project.stage, project.actual_start_date, project.actual_start_precision) == (
        "under_construction",
        datetime.date(2025, 12, 31),
        DatePrecision.BEFORE,
    )
    assert project.construction_nature(2026) == "续建"
    conditions = _conditions(year=2026, end=datetime.date(2026, 10, 31), threshold=Decimal(5000))
    assert Project.objects.filter(pk=project.pk).filter(conditions["started"]).exists()
    assert not Project.objects.filter(pk=project.pk).filter(conditions["planned_new"]).exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-01", (datetime.date(2026, 3, 1), DatePrecision.DAY)),
        ("2026年", (datetime.date(2026, 12, 31), DatePrecision.YEAR)),
        ("２０２６年", (datetime.date(2026, 12, 31), DatePrecision.YEAR)),
        # Month-only: stored as the month's last day (February of a leap year included).
        ("2026年3月", (datetime.date(2026, 3, 31), DatePrecision.MONTH)),
        ("2026-03", (datetime.date(2026, 3, 31), DatePrecision.MONTH)),
        ("2026/3", (datetime.date(2026, 3, 31), DatePrecision.MONTH)),
        ("2026.03", (datetime.date(2026, 3, 31), DatePrecision.MONTH)),
        ("2026年3", (datetime.date(2026, 3, 31), DatePrecision.MONTH)),
        ("２０２６年４月", (datetime.date(2026, 4, 30), DatePrecision.MONTH)),
        ("2028-02", (datetime.date(2028, 2, 29), DatePrecision.MONTH)),
        ("2026-03-01", (datetime.date(2026, 3, 1), DatePrecision.DAY)),
        ("2026年3月1日", (datetime.date(2026, 3, 1), DatePrecision.DAY)),
        ("2025年底前", (datetime.date(2025, 12, 31), DatePrecision.BEFORE)),
        ("2025年前", (datetime.date(2025, 12, 31), DatePrecision.BEFORE)),
        ("不晚于2025年", (datetime.date(2025, 12, 31), DatePrecision.BEFORE)),
        (datetime.datetime(2026, 3, 1), (datetime.date(2026, 3, 1), DatePrecision.DAY)),
    ],
)
def test_a_date_cell_states_its_precision(typed, expected):
    assert L.cell_precise_date(typed) == expected


@pytest.mark.parametrize("typed", ["0001年", "2026年底后", "约2026年", 2026, "2026年13月", "2026-00", "2026年3月32日"])
def test_a_date_cell_of_no_known_precision_is_refused(typed):
    with pytest.raises(L.CellError):
        L.cell_precise_date(typed)


def test_a_start_known_to_the_year_is_checked_by_its_earliest_day():
    """ "Started by the end of this year" or "in this year" is not a start after today, even
    in the year's first days (a plan list for next year is drawn up in December)."""
    today = timezone.localdate()
    year_end = datetime.date(today.year, 12, 31)
    for precision in (DatePrecision.BEFORE, DatePrecision.YEAR):
        project = f.ProjectFactory.build(actual_start_date=year_end, actual_start_precision=precision)
        project.clean()
    project = f.ProjectFactory.build(
        actual_start_date=datetime.date(today.year + 1, 12, 31), actual_start_precision=DatePrecision.YEAR
    )
    with pytest.raises(ValidationError, match="不能晚于今天"):
        project.clean()
    # 2026年 to 2026-06-30: possible; 2027年 to 2026-06-30: not.
    project = f.ProjectFactory.build(
        planned_start_date=datetime.date(2026, 12, 31),
        planned_start_precision=DatePrecision.YEAR,
        planned_end_date=datetime.date(2026, 6, 30),
    )
    project.clean()
    project.planned_start_date = datetime.date(2027, 12, 31)
    with pytest.raises(ValidationError, match="计划竣工日期不能早于计划开工日期"):
        project.clean()


def test_a_value_without_its_column_names_the_column_to_add(people, admin):
    """A new project needs its 投资主体; a sheet without that column is told to add it (not
    only that the value is missing), for every required field alike."""
    for missing in ("投资主体", "总投资", "建设单位"):
        keep = [i for i, label in enumerate(PLAN_HEADER) if label != missing]
        rows = [TITLE, [PLAN_HEADER[i] for i in keep], [row()[i] for i in keep]]
        batch = preview(admin, xlsx(rows))
        assert batch.status == BatchStatus.INVALID
        (column, field, message), *_ = errors(batch)
        assert (column, field) == ("", missing)
        assert f"表中没有“{missing}”列：请添加该列" in message, message


def test_preliminary_rows_are_not_started(people, admin):
    batch = preview(
        admin, xlsx([TITLE, PLAN_HEADER, row(**{"建设性质": "前期", "建设起止年限": "2027-2029"})]), year=2026
    )
    assert errors(batch) and "不在项目建设起止年限" in errors(batch)[0][2]  # a 2026 plan outside 2027-2029
    batch = preview(
        admin, xlsx([TITLE, PLAN_HEADER, row(plan="", **{"建设性质": "前期", "建设起止年限": "2027-2029"})])
    )
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert (project.stage, project.actual_start_date, project.date_display("planned_start")) == (
        "preliminary",
        None,
        "2027年",
    )


# --- 6. hidden rows ------------------------------------------------------------------


def test_hidden_rows_are_listed_and_skipped_unless_chosen(people, admin):
    rows = [TITLE, PLAN_HEADER, row(), row(2, "隐藏的项目", code(2))]
    batch = preview(admin, book(rows, hidden_rows=[3]))
    assert (batch.rows_new, batch.rows_total) == (1, 1)
    skipped = reading(batch)["skipped_rows"]
    assert {"sheet": "计划", "row": 4, "last": 4, "reason": "隐藏行（未导入）", "text": "隐藏的项目"} in skipped
    assert any("有 1 个隐藏行：默认不导入" in a for a in reading(batch)["assumptions"])
    batch = preview(admin, book(rows, hidden_rows=[3]), hidden_rows="include")
    assert (batch.rows_new, batch.rows_total) == (2, 2)


# --- 7. blanks -----------------------------------------------------------------------


def test_a_blank_cell_changes_nothing_unless_chosen(people, admin):
    batch = preview(admin, xlsx([TITLE, PLAN_HEADER, row()]))
    import_batch_commit(actor=admin, batch_id=batch.pk)
    blank = row(**{"建设内容及规模": "", "协作单位": ""})
    batch = preview(admin, xlsx([TITLE, PLAN_HEADER, blank]))
    assert batch.status == BatchStatus.NO_CHANGE and batch.rows_unchanged == 1  # class 13: 无变化
    assert any("空白单元格：不修改" in a for a in reading(batch)["assumptions"])
    batch = preview(admin, xlsx([TITLE, PLAN_HEADER, blank]), blanks="clear")
    assert batch.preview[0]["changes"]["建设内容及规模"] == ["新建道路 5 公里", ""]
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert project.scope == "" and not project.partner_units.exists()


def test_a_blank_problem_cell_does_not_erase_a_report(october):
    admin = october.users[Role.CITY_ADMIN]
    project = october.p_a
    header = ["项目代码", "项目名称", "本月完成", "存在问题"]
    first = _progress(admin, header, [project.project_code, project.name, 120, "征地未完成"])
    import_batch_commit(actor=admin, batch_id=first.pk)
    again = _progress(admin, header, [project.project_code, project.name, 120, ""])
    assert again.status == BatchStatus.NO_CHANGE
    assert MonthlyReport.objects.get(project=project, month=10).problems == "征地未完成"


# --- 8. formula noise ----------------------------------------------------------------


def test_formula_noise_is_rounded_and_real_excess_precision_refused(people, admin):
    rows = [TITLE, PLAN_HEADER, row(total=None, plan="1"), row(2, "乙项目", code(2), total=6.12345, plan="1")]
    batch = preview(admin, book(rows, formulas=[(2, 9, "=3.45*2", 6.8999999999999995)]))
    assert errors(batch) == [("J", "总投资", "“6.12345”小数位数过多：换算为万元后超过 4 位小数")]
    batch = preview(admin, book(rows[:3], formulas=[(2, 9, "=3.45*2", 6.8999999999999995)]))
    import_batch_commit(actor=admin, batch_id=batch.pk, confirm=True)
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("6.9")


# --- 9, 10, 11, combinations ------------------------------------------------------------


def _grouped(order: str):
    """Two categories × two counties, nested either way, with 亿元, formulas and footers."""
    head = [h for h in PLAN_HEADER if h not in ("所在县区", "项目类别")]
    head[head.index("总投资")] = "总投资（亿元）"
    head[head.index("2026年计划投资")] = "2026年计划投资（亿元）"
    projects = {
        ("产业", "甲区"): [("甲产业一", 1.2, 0.3), ("甲产业二", 0.8, 0.2)],
        ("产业", "乙县"): [("乙产业一", 2.5, 1)],
        ("基础设施", "甲区"): [("甲基建一", 3, 1.5)],
        ("基础设施", "乙县"): [("乙基建一", 0.45, 0.05), ("乙基建二", 1.05, 0.25)],
    }
    outer = ["产业", "基础设施"] if order == "category" else ["甲区", "乙县"]
    inner = ["甲区", "乙县"] if order == "category" else ["产业", "基础设施"]
    numerals = "一二"
    total_row = ["合计", ""] + [""] * (len(head) - 2)
    total_row[head.index("总投资（亿元）")] = 9.0
    rows = [["示范市2026年重点项目计划表"], ["单位：亿元"], head, total_row]  # a 合计 above the data
    formulas = []
    n = 0
    for i, first in enumerate(outer):
        rows.append([f"{numerals[i]}、{first}{'项目' if order == 'category' else ''}"])
        for j, second in enumerate(inner):
            key = (first, second) if order == "category" else (second, first)
            listed = projects[key]
            rows.append([f"（{numerals[j]}）{second}{'项目' if order != 'category' else ''}（{len(listed)}个）"])
            for name, total, plan in listed:
                n += 1
                county = "610302" if key[1] == "甲区" else "610303"
                values = dict(zip(PLAN_HEADER, row(n, name, code(n, county), total=total, plan=plan), strict=True))
                values["建设单位"] = "甲区城投公司" if key[1] == "甲区" else "乙县建设公司"
                rows.append([values[h.replace("（亿元）", "")] for h in head])
                if total == 1.05:  # a formula whose cached value carries binary noise
                    formulas.append((len(rows) - 1, head.index("总投资（亿元）"), "=0.35*3", 1.0499999999999998))
    rows += [
        [""] * 3,
        ["  ", "   "],
        ["单位负责人：张三", "", "填表人：李四", "联系电话：0917-1234567"],
        ["注：本表由各县区填报。"],
    ]
    return rows, formulas


@pytest.mark.parametrize("order", ["category", "county"])
def test_nested_groups_yi_formulas_totals_and_footers(people, admin, order):
    rows, formulas = _grouped(order)
    batch = preview(admin, book(rows, formulas=formulas))
    assert batch.status == BatchStatus.PREVIEWED, (batch.message, errors(batch))
    assert batch.warnings == []  # the 合计 above the data adds up; every group count is right
    reasons = [(r["row"], r["reason"]) for r in reading(batch)["skipped_rows"]]
    assert (4, "合计行（已核对）") in reasons
    assert any(reason == "注释、签字或落款行" for _row, reason in reasons[-2:])
    import_batch_commit(actor=admin, batch_id=batch.pk)
    imported = Project.objects.filter(project_code__startswith="2026-6103", project_code__contains="-48-01-9")
    by_group = {}
    for project in imported.select_related("region"):
        key = (project.category, project.region.name)
        by_group[key] = by_group.get(key, Decimal(0)) + project.total_investment
    assert by_group == {
        ("industry", "甲区"): Decimal("20000"),
        ("industry", "乙县"): Decimal("25000"),
        ("infrastructure", "甲区"): Decimal("30000"),
        ("infrastructure", "乙县"): Decimal("15000"),
    }
    plans = AnnualPlan.objects.filter(project__in=imported, year=2026)
    assert sum(plan.planned_investment for plan in plans) == Decimal("33000")


def test_a_wrong_total_anywhere_is_reported_with_both_figures(people, admin):
    total_row = ["合计"] + [""] * 8 + [99999] + [""] * 5
    batch = preview(admin, xlsx([TITLE, PLAN_HEADER, total_row, row(), row(2, "乙项目", code(2), total=5000)]))
    assert batch.warnings == ["工作表“Sheet1”第 3 行合计 J列为 99999，而所列项目合计为 20000（万元）。"]


# --- 12. out of area -------------------------------------------------------------------


def test_a_county_user_is_told_a_row_is_outside_their_area(people, county_user):
    batch = preview(county_user, xlsx([TITLE, PLAN_HEADER, row(code=code(3, "610303"), **{"所在县区": "乙县"})]))
    assert ("D", "所在县区", "“乙县”不在您的管辖范围内（您只能导入甲区的项目）") in errors(batch)


# --- 13. new rows show their values; the API and the command take the same choices ------------


def test_new_rows_show_every_value_they_will_write(people, admin):
    batch = preview(admin, xlsx([TITLE, ["单位：亿元"], PLAN_HEADER, row(total=1.5, plan=0.5)]))
    shown = batch.preview[0]["changes"]
    assert shown["总投资"] == ["", "15000"]
    assert shown["2026年计划投资"] == ["", "5000"]
    assert shown["所在县区"] == ["", "甲区"] and shown["建设单位"] == ["", "甲区城投公司"]
    assert shown["协作单位"] == ["", "市水利局"]


def test_the_api_takes_unit_columns_hidden_rows_and_blanks(client, people, admin):
    client.force_login(admin)
    head = [*PLAN_HEADER, "总投资"]
    file = io.BytesIO(xlsx([["重点项目计划表"], head, [*row(total=1.5, plan="0.5"), 2]]))
    file.name = "plan.xlsx"
    response = client.post(
        "/api/v1/imports",
        {"kind": "plan", "file": file, "unit": "亿元", "columns": "总投资=P", "year": 2026, "blanks": "keep"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rows"][0]["changes"]["总投资"] == ["", "20000"]
    assert ("J", "总投资") in {(c["letter"], c["label"]) for c in body["reading"]["unused_columns"]}
    file.seek(0)
    bad = client.post("/api/v1/imports", {"kind": "plan", "file": file, "columns": "哪一列"})
    assert bad.status_code == 422


def test_the_command_takes_the_same_choices(people, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "plan.xlsx"
    head = [*PLAN_HEADER, "总投资"]
    path.write_bytes(xlsx([TITLE, head, [*row(), 20000]]))
    call_command("import_workbook", str(path), kind="plan", user="admin", column=["总投资=P"], commit=True)
    out = capsys.readouterr().out
    assert "未使用的列：Sheet1 J 列“总投资”" in out
    assert Project.objects.get(project_code=CODE).total_investment == Decimal("20000")


def test_a_date_edited_by_hand_is_a_day_again(people, admin):
    from apps.projects.services import project_update

    batch = preview(admin, xlsx([TITLE, PLAN_HEADER, row()]))
    import_batch_commit(actor=admin, batch_id=batch.pk)
    project = Project.objects.get(project_code=CODE)
    assert project.date_display("planned_start") == "2026年"
    project = project_update(
        actor=admin,
        project_id=project.pk,
        expected_version=project.version,
        fields={"planned_start_date": datetime.date(2026, 5, 1)},
    )
    assert (project.planned_start_precision, project.date_display("planned_start")) == ("day", "2026-05-01")
    assert project.planned_end_precision == "year"
