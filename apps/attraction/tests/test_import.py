"""The 招商线索清单 through the shared importer, on a sheet laid out as offices send it (title,
unit line in 亿元, a group row, a footnote, an extra 备注 column): preview with the readings,
unused columns, refusals naming row and column, the stage never imported, commit with change
records, the export read back unchanged, undo and its refusal once a lead was worked on."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.attraction import services
from apps.attraction.models import InvestmentLead, LeadStage
from apps.audit.models import ChangeRecord
from apps.core.tests.versions import stored_version
from apps.imports.models import BatchStatus, ImportKind
from apps.imports.selectors import import_kinds_for
from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview, import_batch_undo
from apps.imports.tests.workbooks import xlsx

pytestmark = pytest.mark.django_db
HEADER = [
    "序号",
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "是否龙头企业",
    "客商来源地",
    "拟落地县区",
    "行业代码",
    "是否鼓励类产业",
    "意向投资",
    "招商方式",
    "招商单位",
    "招商责任人",
    "线索获取日期",
    "当前阶段",
    "备注",
]


def line(world, bureau, **over):
    values = {
        "序号": 1,
        "项目名称": "年产10万吨新能源电池材料项目",
        "投资方": "示范新材料科技有限公司",
        "统一社会信用代码": "",
        "是否龙头企业": "是",
        "客商来源地": "广东深圳",
        "拟落地县区": world.county_a.name,
        "行业代码": "3985",
        "是否鼓励类产业": "是",
        "意向投资": 1.5,
        "招商方式": "以商招商",
        "招商单位": bureau.name,
        "招商责任人": "王强",
        "线索获取日期": "2026-11-20",
        "当前阶段": "线索",
        "备注": "客商已来考察一次",
    }
    values.update(over)
    return [values[label] for label in HEADER]


def sheet(rows):
    return xlsx(
        [
            ["示范市2026年招商引资项目线索清单"],
            ["填报单位：市投资促进局", None, None, None, None, None, None, None, None, "单位：亿元"],
            HEADER,
            ["一、先进制造业（2个）"],
            *rows,
            ["填报说明：意向投资以客商书面意向为准。"],
        ]
    )


def preview(user, content):
    batch = import_batch_create(
        actor=user, kind=ImportKind.LEADS, file_name="线索.xlsx", content=content, parameters={}
    )
    return import_batch_preview(batch_id=batch.pk)


def errors_of(batch):
    return {(error["column"], error["message"]) for row in batch.preview for error in row["errors"]}


def test_import_creates_leads_at_lead_with_readings_and_records(world, bureau, bureau_user):
    assert "leads" in import_kinds_for(user=bureau_user)
    rows = [
        line(world, bureau),
        line(
            world, bureau, 序号=2, 项目名称="智能装备产业园项目", 投资方="示范装备集团", 意向投资=0.8, 是否龙头企业="否"
        ),
    ]
    batch = preview(bureau_user, sheet(rows))
    assert batch.status == BatchStatus.PREVIEWED and batch.rows_new == 2, errors_of(batch)
    reading = batch.reading
    assert [column["label"] for column in reading["unused_columns"]] == ["备注"]
    import_batch_commit(actor=bureau_user, batch_id=batch.pk)
    lead = InvestmentLead.objects.get(investor_name="示范新材料科技有限公司")
    # 1.5 亿元 → 15,000 万元; 是 → True; the stage 线索 since the day received.
    assert lead.intended_investment == D(15000)
    assert (lead.is_leading_enterprise, lead.encouraged_industry, lead.source) == (True, True, "investor_referral")
    assert (lead.stage, lead.stage_since, lead.received_on) == (
        LeadStage.LEAD,
        datetime.date(2026, 11, 20),
        datetime.date(2026, 11, 20),
    )
    assert lead.attraction_unit == bureau and lead.created_by == bureau_user
    assert [event.stage for event in lead.stage_events.all()] == [LeadStage.LEAD]
    assert InvestmentLead.objects.get(investor_name="示范装备集团").intended_investment == D(8000)
    assert ChangeRecord.objects.filter(content_type__model="investmentlead", action="create").count() == 2
    assert ChangeRecord.objects.filter(content_type__model="leadstageevent", action="create").count() == 2


def test_refusals_name_row_and_column_and_write_nothing(world, bureau, bureau_user):
    other = bureau.__class__.objects.create(name="乙县招商中心", kind="department", region=world.county_b)
    rows = [
        line(world, bureau, 当前阶段="签约"),  # a new lead cannot start signed
        line(world, bureau, 序号=2, 项目名称="B", 是否龙头企业="也许"),
        line(world, bureau, 序号=3, 项目名称="C", 投资方=""),
        line(world, bureau, 序号=4, 项目名称="D", 招商单位=other.name),  # not the department's own unit
        line(world, bureau, 序号=5, 项目名称="E", 拟落地县区="火星县"),
        line(world, bureau, 序号=6, 项目名称="F", 行业代码="", 招商责任人=""),
    ]
    batch = preview(bureau_user, sheet(rows))
    assert batch.status == BatchStatus.INVALID and batch.rows_error == 6
    found = errors_of(batch)
    assert any(column == "O" and "签约须录入合同" in message for column, message in found)
    assert any(column == "E" and "是" in message for column, message in found)
    assert any(column == "C" and "投资方" in message for column, message in found)
    assert any(column == "L" and "本单位" in message for column, message in found)
    assert any(column == "G" and "火星县" in message for column, message in found)
    assert {column for column, message in found if "新线索须填写" in message} == {"H", "M"}
    with pytest.raises(ValidationError):
        import_batch_commit(actor=bureau_user, batch_id=batch.pk)
    assert not InvestmentLead.objects.exists()
    # Not a lead list at all.
    refused = preview(
        bureau_user, xlsx([["项目名称", "项目代码", "所在县区", "总投资"], ["某项目", "", world.county_a.name, 100]])
    )
    assert refused.status == BatchStatus.INVALID and "投资方" in refused.message


def test_existing_lead_updated_stage_kept_and_said(world, bureau, bureau_user):
    admin = world.users[Role.CITY_ADMIN]
    lead = services.lead_register(
        actor=admin,
        fields={
            "name": "年产10万吨新能源电池材料项目",
            "investor_name": "示范新材料科技有限公司",
            "region": world.county_a,
            "industry_code": "3985",
            "intended_investment": D(15000),
            "source": "investor_referral",
            "attraction_unit": bureau,
            "attraction_person": "王强",
            "received_on": datetime.date(2026, 11, 2),
        },
    )
    services.lead_advance(
        actor=admin,
        lead_id=lead.pk,
        stage=LeadStage.ASSESSING,
        on=datetime.date(2026, 11, 3),
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    batch = preview(
        bureau_user, sheet([line(world, bureau, 招商责任人="李明", 线索获取日期="2026-11-02", 当前阶段="签约")])
    )
    assert batch.rows_changed == 1, batch.preview
    assert list(batch.preview[0]["changes"]) == ["招商责任人"] or "招商责任人" in batch.preview[0]["changes"]
    assert any("阶段未导入" in text for text in batch.reading["assumptions"])
    import_batch_commit(actor=bureau_user, batch_id=batch.pk)
    lead.refresh_from_db()
    assert (lead.attraction_person, lead.stage) == ("李明", LeadStage.ASSESSING)
    assert ChangeRecord.objects.filter(
        content_type__model="investmentlead", action="update", object_id=lead.pk
    ).exists()
    # The received date of a lead past 线索 does not change through an import.
    bad = preview(bureau_user, sheet([line(world, bureau, 线索获取日期="2026-11-01")]))
    assert any("获取日期不能再修改" in message for _column, message in errors_of(bad))


def test_export_reads_back_unchanged(client, world, leads):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    content = client.get(reverse("attraction:export")).content
    batch = preview(admin, content)
    assert (batch.rows_new, batch.rows_changed, batch.rows_error) == (0, 0, 0), batch.preview
    assert batch.rows_unchanged == len(leads)


def test_undo_and_its_refusal_once_worked_on(world, bureau, bureau_user):
    batch = preview(bureau_user, sheet([line(world, bureau)]))
    import_batch_commit(actor=bureau_user, batch_id=batch.pk)
    import_batch_undo(actor=bureau_user, batch_id=batch.pk)
    assert not InvestmentLead.objects.exists()
    batch = preview(bureau_user, sheet([line(world, bureau)]))
    import_batch_commit(actor=bureau_user, batch_id=batch.pk)
    lead = InvestmentLead.objects.get()
    services.lead_follow_up(actor=bureau_user, lead_id=lead.pk, on=datetime.date(2026, 11, 25), content="电话跟进")
    with pytest.raises(ValidationError, match="不能撤销"):
        import_batch_undo(actor=bureau_user, batch_id=batch.pk)
    assert InvestmentLead.objects.exists()


def test_the_lead_list_links_to_the_import_page_with_the_leads_kind_chosen(client, world, bureau_user):
    import re

    from apps.accounts.models import Role

    def kind_select(url):
        return re.search(r'<select name="kind".*?</select>', client.get(url).content.decode(), re.S).group(0)

    client.force_login(bureau_user)
    listing = client.get("/attraction/").content.decode()
    assert 'href="/imports/?kind=leads"' in listing
    assert re.search(r'<option value="leads"[^>]*selected', kind_select("/imports/?kind=leads"))
    # Without the parameter nothing is chosen for the user; a kind the user may not use is ignored.
    assert "selected" not in kind_select("/imports/")
    select = kind_select("/imports/?kind=plan")
    assert 'value="plan"' not in select and "selected" not in select
    # Who may not import leads sees no link.
    client.force_login(world.users[Role.AUDITOR])
    assert "/imports/?kind=leads" not in client.get("/attraction/").content.decode()
