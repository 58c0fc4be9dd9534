"""Stage transitions and their refusals, the contract, registration, the link to the
registry at 开工 (once), exit rules and change records."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.accounts.models import Role
from apps.attraction import services
from apps.attraction.models import ExitReason, InvestmentLead, LeadStage, NoticeKind
from apps.audit.models import ChangeRecord
from apps.core.tests.versions import stored_version
from apps.projects.models import Project, Stage

from .factories import TODAY
from .walk import CODE, walk_to

D = datetime.date


@pytest.fixture
def admin(world):
    return world.users[Role.CITY_ADMIN]


def test_register_a_lead_writes_it_with_its_first_stage_and_change_records(world, bureau_user, bureau):
    lead = services.lead_register(
        actor=bureau_user,
        fields={
            "name": "锂电池正极材料项目",
            "investor_name": "某某锂电股份有限公司",
            "investor_credit_code": CODE,
            "is_leading_enterprise": True,
            "region": world.county_a,
            "industry_code": "C3985",
            "intended_investment": Decimal("120000"),
            "source": "investor_referral",
            "attraction_person": "李四",
            "received_on": D(2026, 11, 30),
        },
        contacts=[{"name": "王经理", "phone": "13800000000"}],
    )
    assert lead.attraction_unit == bureau
    assert lead.stage == LeadStage.LEAD and lead.stage_since == D(2026, 11, 30)
    assert list(lead.stage_events.values_list("stage", "entered_on")) == [("lead", D(2026, 11, 30))]
    kinds = set(ChangeRecord.objects.values_list("content_type__model", flat=True))
    assert kinds == {"investmentlead", "leadstageevent", "investorcontact"}
    contact_record = ChangeRecord.objects.get(content_type=ContentType.objects.get(model="investorcontact"))
    assert "phone" not in contact_record.after  # the log keeps who, not the number


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("investor_credit_code", "91610300000000001X", "校验位"),
        ("industry_code", "38-41", "GB/T 4754"),
        ("received_on", D(2026, 12, 2), "不能晚于今天"),
    ],
)
def test_register_refuses_bad_fields_in_chinese(world, admin, bureau, field, value, message):
    fields = {
        "name": "项目",
        "investor_name": "投资方",
        "region": world.county_a,
        "industry_code": "C3841",
        "intended_investment": Decimal("1"),
        "source": "expo",
        "attraction_unit": bureau,
        "attraction_person": "张三",
        "received_on": D(2026, 11, 1),
        field: value,
    }
    with pytest.raises(ValidationError) as error:
        services.lead_register(actor=admin, fields=fields)
    assert message in " ".join(error.value.message_dict[field])
    assert not InvestmentLead.objects.exists()


def test_a_county_user_cannot_register_a_lead_landing_in_another_county(world, bureau):
    county_user = world.users[Role.COUNTY_USER]
    with pytest.raises(ValidationError) as error:
        services.lead_register(
            actor=county_user,
            fields={
                "name": "项目",
                "investor_name": "投资方",
                "region": world.county_b,
                "industry_code": "C3841",
                "intended_investment": Decimal("1"),
                "source": "expo",
                "attraction_unit": bureau,
                "attraction_person": "张三",
                "received_on": D(2026, 11, 1),
            },
        )
    assert "超出您的管辖范围" in str(error.value)


def test_illegal_transitions_are_refused_with_chinese_messages(admin, leads):
    lead = leads["lead_a"]
    with pytest.raises(ValidationError, match="应先进入“研判”"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.NEGOTIATING,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    with pytest.raises(ValidationError, match="需填写专门信息"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.SIGNED,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    services.lead_advance(
        actor=admin,
        lead_id=lead.pk,
        stage=LeadStage.ASSESSING,
        on=D(2026, 10, 9),
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    with pytest.raises(ValidationError, match="不能回到或停留在“线索”"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.LEAD,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    with pytest.raises(ValidationError, match="不能早于上一阶段日期"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.NEGOTIATING,
            on=D(2026, 10, 8),
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    with pytest.raises(ValidationError, match="应先进入“在谈”"):
        services.lead_sign(
            actor=admin,
            lead_id=lead.pk,
            amount=Decimal(1),
            signed_on=TODAY,
            counterpart="县政府",
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    services.lead_exit(
        actor=admin,
        lead_id=lead.pk,
        reason=ExitReason.ASSESSMENT_REJECTED,
        on=TODAY,
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    with pytest.raises(ValidationError, match="已退出"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.NEGOTIATING,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    lead.refresh_from_db()
    assert lead.stage == LeadStage.EXITED and lead.exit_reason == ExitReason.ASSESSMENT_REJECTED
    assert list(lead.stage_events.values_list("stage", flat=True)) == ["lead", "assessing", "exited"]


def test_signing_needs_a_contract_registration_a_valid_credit_code(admin, leads):
    lead = walk_to(admin, leads["lead_a"], LeadStage.NEGOTIATING)
    with pytest.raises(ValidationError) as error:
        services.lead_sign(
            actor=admin,
            lead_id=lead.pk,
            amount=Decimal(0),
            signed_on=TODAY,
            counterpart=" ",
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    assert set(error.value.message_dict) == {"amount", "counterpart"}
    services.lead_sign(
        actor=admin,
        lead_id=lead.pk,
        amount=Decimal("20000"),
        signed_on=D(2026, 7, 1),
        counterpart="甲区政府",
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    with pytest.raises(ValidationError) as error:
        services.lead_mark_registered(
            actor=admin,
            lead_id=lead.pk,
            on=D(2026, 7, 20),
            credit_code="916103000000000010",
            enterprise_name="某公司",
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    assert "统一社会信用代码" in str(error.value)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.SIGNED and lead.contract.amount == Decimal("20000")


def test_land_supply_may_be_skipped_but_registration_may_not(admin, leads):
    lead = walk_to(admin, leads["lead_a"], LeadStage.SIGNED)
    with pytest.raises(ValidationError, match="应先进入“注册”"):
        services.lead_start(
            actor=admin,
            lead_id=lead.pk,
            on=TODAY,
            project_code="2026-610302-48-01-990002",
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    services.lead_mark_registered(
        actor=admin,
        lead_id=lead.pk,
        on=D(2026, 7, 20),
        credit_code=CODE,
        enterprise_name="某公司",
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    services.lead_start(
        actor=admin,
        lead_id=lead.pk,
        on=D(2026, 8, 1),
        project_code="2026-610302-48-01-990002",
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    lead.refresh_from_db()
    assert lead.stage == LeadStage.STARTED


def test_start_creates_the_registry_project_once(admin, leads, world):
    lead = walk_to(admin, leads["lead_a"], LeadStage.STARTED)
    project = lead.project
    assert project.region == world.county_a
    assert project.total_investment == Decimal("30000")  # the contract amount
    assert project.stage == Stage.UNDER_CONSTRUCTION and project.actual_start_date == lead.stage_since
    assert project.owner_unit.credit_code == CODE
    # Once: a second conversion of the same lead is impossible, and another lead cannot take the project.
    other = walk_to(admin, leads["lead_b"], LeadStage.REGISTERED, project_code="2026-610302-48-01-990003")
    with pytest.raises(ValidationError, match="已对应另一条招商线索"):
        services.lead_start(
            actor=admin,
            lead_id=other.pk,
            on=TODAY,
            project_id=project.pk,
            expected_version=stored_version(InvestmentLead, other.pk),
        )
    with pytest.raises(ValidationError, match="不在线索的落地县区"):
        services.lead_start(
            actor=admin,
            lead_id=other.pk,
            on=TODAY,
            project_id=world.p_a.pk,
            expected_version=stored_version(InvestmentLead, other.pk),
        )
    assert Project.objects.filter(investment_lead__isnull=False).count() == 1


def test_start_links_an_existing_project_and_records_its_start(admin, leads, world):
    lead = walk_to(admin, leads["lead_b"], LeadStage.REGISTERED)
    world.p_b.actual_start_date = None
    world.p_b.save()
    services.lead_start(
        actor=admin,
        lead_id=lead.pk,
        on=D(2026, 11, 2),
        project_id=world.p_b.pk,
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    world.p_b.refresh_from_db()
    assert world.p_b.investment_lead.pk == lead.pk
    assert world.p_b.actual_start_date == D(2026, 11, 2) and world.p_b.stage == Stage.UNDER_CONSTRUCTION


def test_in_statistics_is_the_registry_flag(admin, leads):
    lead = walk_to(admin, leads["lead_a"], LeadStage.STARTED)
    with pytest.raises(ValidationError, match="入统以项目库为准"):
        services.lead_advance(
            actor=admin,
            lead_id=lead.pk,
            stage=LeadStage.IN_STATISTICS,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    Project.objects.filter(pk=lead.project_id).update(in_statistics=True, statistics_included_on=D(2026, 9, 30))
    services.lead_advance(
        actor=admin,
        lead_id=lead.pk,
        stage=LeadStage.IN_STATISTICS,
        on=TODAY,
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    lead.refresh_from_db()
    assert lead.stage_since == D(2026, 9, 30)


def test_exit_for_overdue_start_needs_an_expired_deadline_notice(admin, leads):
    lead = walk_to(admin, leads["lead_a"], LeadStage.REGISTERED, start=D(2025, 11, 1))
    # Signed 2025-11-22: start due 2026-05-22, notice possible from 2026-11-22.
    with pytest.raises(ValidationError, match="须先发出限期开工通知书"):
        services.lead_exit(
            actor=admin,
            lead_id=lead.pk,
            reason=ExitReason.START_OVERDUE,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    with pytest.raises(ValidationError, match="2026-11-22"):
        services.lead_notice_issue(
            actor=admin, lead_id=lead.pk, kind=NoticeKind.START_DEADLINE, on=D(2026, 11, 21), deadline=D(2026, 11, 30)
        )
    services.lead_notice_issue(
        actor=admin, lead_id=lead.pk, kind=NoticeKind.START_DEADLINE, on=D(2026, 11, 23), deadline=D(2026, 12, 1)
    )
    with pytest.raises(ValidationError, match="尚未届满"):
        services.lead_exit(
            actor=admin,
            lead_id=lead.pk,
            reason=ExitReason.START_OVERDUE,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    Notice = lead.notices.model
    Notice.objects.filter(lead=lead).update(deadline=D(2026, 11, 30))
    services.lead_exit(
        actor=admin,
        lead_id=lead.pk,
        reason=ExitReason.START_OVERDUE,
        on=TODAY,
        expected_version=stored_version(InvestmentLead, lead.pk),
    )
    lead.refresh_from_db()
    assert lead.stage == LeadStage.EXITED


def test_other_exit_reason_needs_a_note_and_contract_reasons_need_a_contract(admin, leads):
    lead = leads["lead_a"]
    with pytest.raises(ValidationError, match="请填写说明"):
        services.lead_exit(
            actor=admin,
            lead_id=lead.pk,
            reason=ExitReason.OTHER,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )
    with pytest.raises(ValidationError, match="只适用于已签约"):
        services.lead_exit(
            actor=admin,
            lead_id=lead.pk,
            reason=ExitReason.NOT_REGISTERED,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, lead.pk),
        )


def test_funds_need_a_contract_and_a_date_after_signing(admin, leads):
    lead = leads["lead_a"]
    with pytest.raises(ValidationError, match="签约后才能登记"):
        services.lead_funds_add(actor=admin, lead_id=lead.pk, on=TODAY, amount=Decimal(10))
    lead = walk_to(admin, lead, LeadStage.SIGNED)
    with pytest.raises(ValidationError, match="不能早于签约日期"):
        services.lead_funds_add(actor=admin, lead_id=lead.pk, on=D(2026, 6, 1), amount=Decimal(10))
    services.lead_funds_add(actor=admin, lead_id=lead.pk, on=D(2026, 7, 1), amount=Decimal("7500"))
    assert lead.funds_arrivals.get().amount == Decimal("7500")


def test_roles_without_change_scope_are_refused(world, leads, bureau_user):
    leader = world.users[Role.CITY_LEADER]
    county = world.users[Role.COUNTY_USER]
    with pytest.raises(PermissionDenied):
        services.lead_advance(
            actor=leader,
            lead_id=leads["lead_a"].pk,
            stage=LeadStage.ASSESSING,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, leads["lead_a"].pk),
        )
    with pytest.raises(Http404):
        services.lead_advance(
            actor=county,
            lead_id=leads["lead_b"].pk,
            stage=LeadStage.ASSESSING,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, leads["lead_b"].pk),
        )
    with pytest.raises(Http404):
        services.lead_advance(
            actor=bureau_user,
            lead_id=leads["lead_c"].pk,
            stage=LeadStage.ASSESSING,
            on=TODAY,
            expected_version=stored_version(InvestmentLead, leads["lead_c"].pk),
        )
    services.lead_advance(
        actor=bureau_user,
        lead_id=leads["lead_b"].pk,
        stage=LeadStage.ASSESSING,
        on=TODAY,
        expected_version=stored_version(InvestmentLead, leads["lead_b"].pk),
    )
    services.lead_advance(
        actor=county,
        lead_id=leads["lead_a"].pk,
        stage=LeadStage.ASSESSING,
        on=TODAY,
        expected_version=stored_version(InvestmentLead, leads["lead_a"].pk),
    )


def test_every_transition_writes_change_records(admin, leads):
    before = ChangeRecord.objects.count()
    walk_to(admin, leads["lead_a"], LeadStage.STARTED)
    kinds = list(ChangeRecord.objects.order_by("id").values_list("content_type__model", flat=True)[before:])
    # 6 transitions: each a lead update and a stage event; plus the contract, the new project and its unit? (no: units are not logged)
    assert kinds.count("investmentlead") == 6
    assert kinds.count("leadstageevent") == 6
    assert kinds.count("leadcontract") == 1
    assert kinds.count("project") == 1
