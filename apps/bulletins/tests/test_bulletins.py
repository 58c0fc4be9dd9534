"""Bulletins on the small city of apps/statistics/tests/test_indicators.py (figures worked
out by hand there): the snapshot, the sentences, the .docx and .xlsx read back, the
起草 → 审核 → 签发 steps, numbering, immutability, scope and unread markers."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from python_calamine import CalamineWorkbook

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.bulletins import content as wording
from apps.bulletins import selectors, services
from apps.bulletins.models import Bulletin, BulletinKind, BulletinStatus
from apps.documents import charts
from apps.documents.readback import open_docx, runs_of
from apps.lights.models import Light
from tests import factories as f

TODAY = datetime.date(2026, 7, 5)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def draft(user, region, **kwargs):
    params = {"kind": BulletinKind.MONTH, "year": 2026, "month": 6, **kwargs}
    return services.bulletin_draft(actor=user, region=region, **params)


def v(pk):
    """The version the user would have loaded: the stored one."""
    return Bulletin.objects.get(pk=pk).version


def publish(town, bulletin):
    services.bulletin_submit(actor=town.admin, bulletin_id=bulletin.pk, version=v(bulletin.pk))
    services.bulletin_review(actor=town.admin2, bulletin_id=bulletin.pk, version=v(bulletin.pk))
    return services.bulletin_sign(actor=town.admin2, bulletin_id=bulletin.pk, version=v(bulletin.pk))


def text_of(data: bytes) -> str:
    document = open_docx(data)
    return "\n".join(p.text for p in document.paragraphs)


def test_snapshot_holds_the_figures_of_the_period(town, engine_lights):
    engine_lights(2026, 6)
    b = draft(town.admin, town.city)
    s = b.snapshot
    assert s["period"] == {
        "kind": "month",
        "year": 2026,
        "month": 6,
        "half": None,
        "start": "2026-06-01",
        "end": "2026-06-30",
        "name": "2026年6月",
        "cumulative": "1-6月",
        "as_of": "截至6月底",
    }
    # The hand-computed figures of the town (test_indicators): 4 key projects, 0.58 of 4.00 亿元.
    assert s["figures"]["key_projects_count"]["value"] == 4
    assert s["figures"]["completed_ytd"]["value"] == "0.58"
    assert s["figures"]["plan_completion_rate"]["value"] == "14.5"
    assert s["figures"]["period_gap"]["value"] == "-5.75"
    assert [row["name"] for row in s["by_county"]] == ["甲区", "乙县"]
    assert [row["name"] for row in s["not_started"]] == ["乙县医院"]
    # Lights: the engine's for June (Yinchuan 2025 rule: red > 30 points behind, yellow >= 10).
    # K2 8 %, K3 and K4 0 %, K1 25 % of the plan against 50 %: 42, 50, 50 points red (largest
    # plan first), 25 yellow. The engine lights K4 too, which the old lag rule held back.
    assert s["lights"]["evaluated"] == [2026, 6]
    assert [row["name"] for row in s["lights"]["red"]] == ["甲区产业园", "乙县医院", "乙县物流园"]
    assert [(row["name"], row["colour"]) for row in s["lights"]["yellow"]] == [("甲区快速路", "黄灯")]
    engine = {light.project_id: light for light in Light.objects.filter(year=2026, month=6)}
    for row in s["lights"]["red"] + s["lights"]["yellow"]:
        assert row["reason"] == f"{engine[row['id']].rule.name}：{engine[row['id']].reason}"
    assert "rule" in s["lights"] and "2026年6月亮灯评价" in s["lights"]["rule"]
    assert [row["name"] for row in s["statistics"]["items"]] == ["甲区产业园", "甲区仓储"]
    assert b.title == "关于2026年6月示范市重大项目推进情况的通报"
    assert b.status == BulletinStatus.DRAFT and b.number is None


def test_docx_in_gbt9704_with_the_snapshot_figures(town):
    b = draft(town.admin, town.city)
    data = services.bulletin_file(b, "docx")
    document = open_docx(data)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.left_margin)] == [37, 28]
    text = text_of(data)
    s = b.snapshot["figures"]
    assert (
        f"截至6月底，全市4个重点项目总投资{s['key_projects_total_investment']['value']}亿元，"
        f"年度计划投资{s['annual_planned_investment']['value']}亿元；1-6月累计完成投资0.58亿元，"
        "占年度计划的14.5%，欠时序进度35.5个百分点。"
    ) in text
    # A negative gap is said as exceeding, without the sign.
    assert "超出增长8.5%的预期目标5.75亿元" in text and "-5.75" not in text
    assert "以上完成投资含5份已报送尚未审核的月报数据" in text
    assert "乙县医院（乙县，计划2026年5月开工，存在问题：征地未完成）1个项目已到计划开工时间但仍未开工" in text
    headings = [
        p.text
        for p in document.paragraphs
        if p.text[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、")
    ]
    assert headings[0] == "一、总体情况" and headings[-1].endswith("下步要求")
    assert len({h[:2] for h in headings}) == len(headings)  # no number twice
    first = next(p for p in document.paragraphs if p.text == "一、总体情况")
    assert runs_of(document, first)[0].east_asian_font == "黑体"
    title = next(p for p in document.paragraphs if p.text == b.title)
    assert (runs_of(document, title)[0].east_asian_font, runs_of(document, title)[0].size_pt) == ("方正小标宋简体", 22)
    assert "示范市发改通〔2026〕　号" in text  # a draft: the number is left blank
    # Attachment tables with the snapshot's rows.
    county = document.tables[0]
    assert [c.text for c in county.rows[1].cells] == ["1", "甲区", "2", "3.00", "0.58", "19.3", "100.0", "1"]
    assert [c.text for c in county.rows[-1].cells][1:6] == ["合计", "4", "4.00", "0.58", "14.5"]


def test_xlsx_has_the_tables_in_the_official_layout(town, engine_lights):
    engine_lights(2026, 6)
    b = draft(town.admin, town.city)
    book = CalamineWorkbook.from_filelike(io.BytesIO(services.bulletin_file(b, "xlsx")))
    assert book.sheet_names[:4] == [
        "分县区重大项目完成情况表",
        "未按计划开工项目清单",
        "红黄灯项目清单",
        "应统未统项目清单",
    ]
    rows = book.get_sheet_by_name("分县区重大项目完成情况表").to_python()
    assert "分县区重大项目完成情况表" in rows[0][0] and rows[1][0] == "单位：万元"
    assert rows[2][:3] == ["序号", "县（市、区）", "项目个数"]
    assert rows[3][1:6] == ["甲区", 2.0, 3.0, 0.58, 19.3]
    assert rows[5][1] == "合计"


def test_charts_need_a_cjk_font_and_otherwise_say_so(town, monkeypatch):
    b = draft(town.admin, town.city)
    if charts.charts_available():
        assert len(open_docx(services.bulletin_file(b, "docx")).inline_shapes) == 2
    monkeypatch.setattr(charts, "cjk_font_path", lambda: None)
    data = services.bulletin_file(b, "docx")
    assert len(open_docx(data).inline_shapes) == 0
    assert "本机未安装中文字体，图表从略" in text_of(data)


def test_steps_numbering_and_change_records(town):
    b = draft(town.admin, town.city)
    services.bulletin_update(
        actor=town.admin, bulletin_id=b.pk, version=v(b.pk), requirements="一要抓开工。\n二要抓投资。"
    )
    services.bulletin_submit(actor=town.admin, bulletin_id=b.pk, version=v(b.pk))
    with pytest.raises(PermissionDenied, match="起草人以外"):
        services.bulletin_review(actor=town.admin, bulletin_id=b.pk, version=v(b.pk))
    services.bulletin_review(actor=town.admin2, bulletin_id=b.pk, version=v(b.pk))
    with pytest.raises(ValidationError):
        services.bulletin_update(actor=town.admin, bulletin_id=b.pk, version=v(b.pk), requirements="改")
    signed = services.bulletin_sign(actor=town.admin2, bulletin_id=b.pk, version=v(b.pk))
    assert signed.status == BulletinStatus.PUBLISHED and signed.number == 1
    assert signed.reference == "示范市发改通〔2026〕1号"
    assert signed.published_on == TODAY and signed.signed_by == town.admin2
    text = text_of(bytes(signed.docx))
    assert "示范市发改通〔2026〕1号" in text and "一要抓开工。" in text and "二要抓投资。" in text
    records = ChangeRecord.objects.filter(content_type__model="bulletin", object_id=b.pk).order_by("pk")
    assert [r.action for r in records] == ["create", "update", "update", "update", "update"]
    assert [r.after["status"] for r in records] == ["draft", "draft", "in_review", "reviewed", "published"]
    assert "snapshot" not in records[0].after and "docx" not in records[4].after
    # An abandoned draft takes no number: the next signed one is 2.
    draft(town.admin, town.city, kind=BulletinKind.HALF_MONTH, month=7, half=1)
    second = publish(town, draft(town.admin, town.city))
    assert second.number == 2 and second.reference == "示范市发改通〔2026〕2号"


def test_returned_with_a_reason(town):
    b = draft(town.admin, town.city)
    services.bulletin_submit(actor=town.admin, bulletin_id=b.pk, version=v(b.pk))
    with pytest.raises(ValidationError):
        services.bulletin_return(actor=town.admin2, bulletin_id=b.pk, version=v(b.pk), reason=" ")
    back = services.bulletin_return(actor=town.admin2, bulletin_id=b.pk, version=v(b.pk), reason="数据需核实")
    assert back.status == BulletinStatus.DRAFT and back.return_reason == "数据需核实"


def test_published_bulletin_never_changes(town):
    b = publish(town, draft(town.admin, town.city))
    stored = Bulletin.objects.get(pk=b.pk)
    docx, xlsx = services.bulletin_file(stored, "docx"), services.bulletin_file(stored, "xlsx")
    # The data change after publishing: a big report, a new start, a renamed project.
    f.MonthlyReportFactory(project=town.k4, year=2026, month=6, completed_investment=Decimal(9000), status="verified")
    town.k3.actual_start_date = datetime.date(2026, 6, 20)
    town.k3.name = "改名后的医院"
    town.k3.save()
    again = Bulletin.objects.get(pk=b.pk)
    assert services.bulletin_file(again, "docx") == docx
    assert services.bulletin_file(again, "xlsx") == xlsx
    assert again.snapshot == stored.snapshot
    assert "乙县医院" in text_of(docx) and "改名后的医院" not in text_of(docx)
    # Drafting again is a new draft with the new figures.
    fresh = draft(town.admin, town.city)
    assert fresh.pk != b.pk and fresh.snapshot["figures"]["completed_ytd"]["value"] == "1.48"  # 5800 + 9000


def test_a_draft_file_is_the_same_each_time(town):
    b = draft(town.admin, town.city)
    assert services.bulletin_file(b, "docx") == services.bulletin_file(b, "docx")


def test_a_county_user_s_bulletin_covers_only_its_county(town, engine_lights):
    engine_lights(2026, 6)
    county_user = town.users[Role.COUNTY_USER]  # 甲区
    b = draft(county_user, town.county_a)
    assert b.snapshot["figures"]["key_projects_count"]["value"] == 2  # K1, K2
    text = text_of(services.bulletin_file(b, "docx"))
    assert "乙县" not in text and "甲区产业园" in text
    assert b.title == "关于2026年6月甲区重大项目推进情况的通报"
    with pytest.raises(PermissionDenied):
        draft(county_user, town.city)
    with pytest.raises(PermissionDenied):
        draft(town.users[Role.DEPARTMENT_USER], town.city)


def test_who_sees_what_and_unread_markers(town):
    published = publish(town, draft(town.admin, town.city))
    pending = draft(town.admin, town.city)
    county_user = town.users[Role.COUNTY_USER]
    seen = set(selectors.bulletin_queryset(user=county_user).values_list("pk", flat=True))
    assert published.pk in seen and pending.pk not in seen  # drafts stay with the drafting office
    assert {published.pk, pending.pk} <= set(selectors.bulletin_queryset(user=town.admin).values_list("pk", flat=True))
    dept = town.users[Role.DEPARTMENT_USER]
    assert published.pk in set(selectors.bulletin_queryset(user=dept).values_list("pk", flat=True))
    other_city = f.UserFactory(role=Role.CITY_ADMIN, region=town.city_b)
    assert not selectors.bulletin_queryset(user=other_city).filter(pk=published.pk).exists()
    assert selectors.bulletin_unread_count(user=county_user) == 1
    services.bulletin_mark_read(actor=county_user, bulletin=published)
    assert selectors.bulletin_unread_count(user=county_user) == 0
    assert selectors.bulletin_queryset(user=county_user).get(pk=published.pk).read is True


def test_bad_periods_are_refused_in_chinese(town):
    with pytest.raises(ValidationError, match="半月"):
        draft(town.admin, town.city, kind=BulletinKind.HALF_MONTH)
    with pytest.raises(ValidationError, match="季末"):
        draft(town.admin, town.city, kind=BulletinKind.QUARTER, month=5)
    with pytest.raises(ValidationError, match="尚未开始"):
        draft(town.admin, town.city, month=8)
    assert not Bulletin.objects.exists()


# --- wording -------------------------------------------------------------------------


def test_wording_adapts_to_sign_and_zero():
    assert wording.schedule_words("35.5") == "欠时序进度35.5个百分点"
    assert wording.schedule_words("-2.3") == "超时序进度2.3个百分点"
    assert wording.schedule_words("0.0") == "与时序进度持平"
    assert wording.schedule_words(None) == ""
    assert wording.growth_words("-3.2") == "同比下降3.2%"
    assert wording.gap_words("-9.08", "8.5") == "超出增长8.5%的预期目标9.08亿元"
    assert wording.gap_words("9.08", "8.5") == "与增长8.5%的预期目标相比还有9.08亿元的缺口"
    items = [{"name": f"项目{i}"} for i in range(10)]
    assert wording.names(items[:2]) == "项目0、项目1"
    assert wording.names(items).endswith("项目7等10个")


def test_zero_lists_are_said_plainly(town):
    town.k3.actual_start_date = datetime.date(2026, 5, 2)
    town.k3.save()
    from apps.problems.models import Problem

    Problem.objects.all().delete()
    b = draft(town.admin, town.city, kind=BulletinKind.HALF_MONTH, month=7, half=1)
    text = text_of(services.bulletin_file(b, "docx"))
    assert "计划开工项目均已按期开工。" in text
    assert "本期无新提出问题；目前无待协调问题。" in text
    assert "2026年7月上半月无新开工项目。" in text
    assert "截至7月15日" in text


def test_lights_come_from_the_engine_with_the_reason_in_words(town, engine_lights):
    """Red/yellow are the engine's stored lights, not a rule of the bulletin's own: a project
    the engine did not light is not listed whatever its lag, and the reason is the engine's."""
    engine_lights(2026, 6)
    # The engine's yellow on K1 is removed (as if a rule had not lit it): the bulletin follows.
    Light.objects.filter(project=town.k1, year=2026, month=6).delete()
    b = draft(town.admin, town.city)
    listed = [row["name"] for row in b.snapshot["lights"]["red"] + b.snapshot["lights"]["yellow"]]
    assert listed == ["甲区产业园", "乙县医院", "乙县物流园"]
    text = text_of(services.bulletin_file(b, "docx"))
    reason = Light.objects.get(project=town.k2, year=2026, month=6).reason
    assert reason and f"甲区产业园（银川2025·投资完成对比序时进度：{reason}" in text
    assert "按2026年6月亮灯评价结果（亮灯规则：银川2025·投资完成对比序时进度）" in text
    table = open_docx(services.bulletin_file(b, "docx")).tables[2]
    assert table.rows[0].cells[7].text == "亮灯原因"
    assert table.rows[2].cells[7].text.endswith(Light.objects.get(project=town.k3, year=2026, month=6).reason)


def test_no_lights_evaluated_says_so_and_lists_none(town):
    b = draft(town.admin, town.city)
    assert b.snapshot["lights"]["evaluated"] is None
    assert b.snapshot["lights"]["red"] == [] and b.snapshot["lights"]["yellow"] == []
    text = text_of(services.bulletin_file(b, "docx"))
    assert "截至本期尚未进行亮灯评价，本期不列红黄灯项目。" in text and "本期无红灯、黄灯项目" not in text


def test_a_half_month_bulletin_reads_the_latest_month_evaluated(town, engine_lights):
    engine_lights(2026, 6)
    b = draft(town.admin, town.city, kind=BulletinKind.HALF_MONTH, month=7, half=1)
    assert b.snapshot["lights"]["evaluated"] == [2026, 6]
    assert "按2026年6月亮灯评价结果" in b.snapshot["lights"]["rule"]


def test_every_attachment_figure_is_the_snapshot_s(town, engine_lights):
    """The .docx read back: each row of the county and lights tables carries the snapshot's
    figures, in the snapshot's order (nothing recomputed while rendering)."""
    engine_lights(2026, 6)
    b = draft(town.admin, town.city)
    s = b.snapshot
    tables = open_docx(services.bulletin_file(b, "docx")).tables
    county_rows = [[c.text for c in row.cells] for row in tables[0].rows[1:-1]]
    assert len(county_rows) == len(s["by_county"])
    for cells, row in zip(county_rows, s["by_county"], strict=True):
        assert cells[1:6] == [
            row["name"],
            str(row["key_projects"]),
            row["annual_planned"],
            row["completed_ytd"],
            row.get("plan_completion_rate") or "—",
        ]
    lights = [[c.text for c in row.cells] for row in tables[2].rows[1:]]
    listed = s["lights"]["red"] + s["lights"]["yellow"]
    assert [cells[2] for cells in lights] == [row["name"] for row in listed]
    for cells, row in zip(lights, listed, strict=True):
        assert cells[1] == row["colour"] and cells[4:8] == [
            row["planned"],
            row["completed"],
            row["rate"],
            row["reason"],
        ]


def test_every_step_and_edit_needs_the_loaded_version(town):
    """Requirements and each step: no version → refused naming the field, a stale one → the
    concurrent-edit error; neither changes the bulletin nor writes a change record."""
    from apps.core.exceptions import ConcurrentEditError

    b = draft(town.admin, town.city)
    calls = [
        lambda version: services.bulletin_update(
            actor=town.admin, bulletin_id=b.pk, requirements="改", version=version
        ),
        lambda version: services.bulletin_submit(actor=town.admin, bulletin_id=b.pk, version=version),
        lambda version: services.bulletin_return(actor=town.admin2, bulletin_id=b.pk, reason="核实", version=version),
        lambda version: services.bulletin_submit(actor=town.admin, bulletin_id=b.pk, version=version),
        lambda version: services.bulletin_review(actor=town.admin2, bulletin_id=b.pk, version=version),
        lambda version: services.bulletin_sign(actor=town.admin2, bulletin_id=b.pk, version=version),
    ]
    for call in calls:
        before = Bulletin.objects.get(pk=b.pk)
        records = ChangeRecord.objects.count()
        with pytest.raises(ValidationError) as missing:
            call(None)
        assert "version" in missing.value.message_dict
        with pytest.raises(ConcurrentEditError):
            call(before.version - 1)
        after = Bulletin.objects.get(pk=b.pk)
        assert (after.version, after.status, after.requirements) == (before.version, before.status, before.requirements)
        assert ChangeRecord.objects.count() == records
        assert call(before.version).version == before.version + 1
    assert Bulletin.objects.get(pk=b.pk).status == BulletinStatus.PUBLISHED
