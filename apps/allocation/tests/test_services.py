"""Allocation plans on the database: shares from the published assessment and the reserve,
adjustments with reasons, four-eyes approval, frozen once approved, change records, scoping
and the .xlsx export."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from python_calamine import CalamineWorkbook

from apps.accounts.models import Role
from apps.allocation import selectors, services
from apps.allocation.models import Plan, Share, Status
from apps.audit.models import ChangeRecord
from apps.exports.services import list_export
from tests import factories as f

from .conftest import YEAR


def plan(world, run, **kwargs) -> Plan:
    arguments = {
        "actor": world.users[Role.CITY_ADMIN],
        "region": world.city,
        "year": YEAR + 1,
        "title": "专项债券额度分配",
        "amount": "1000",
        "method": "factors",
        "base_share": "0.2",
        "factors": [{"key": "assessment_score", "weight": "1"}],
        "assessment_run_id": run.pk,
    } | kwargs
    return services.plan_create(**arguments)


def shares(plan) -> dict:
    return {share.region_id: share for share in plan.shares.all()}


def test_factor_plan_from_the_published_assessment(world, run):
    created = shares(plan(world, run))
    a, b = created[world.county_a.pk], created[world.county_b.pk]
    # B: 100×30% + 60×30% + 60×30% + 90×10% = 75. Base 200 ÷ 2 = 100 each;
    # 800 × 99 ÷ 174 = 455.172…, 800 × 75 ÷ 174 = 344.827…
    assert (a.computed, b.computed) == (D("555.17"), D("444.83"))
    assert (a.equal_split, b.equal_split) == (D(500), D(500))
    assert a.versus_equal == D("55.17")
    assert a.factor_values == {"assessment_score": "99.00"}


def test_tiers_plan(world, run):
    created = shares(
        plan(
            world,
            run,
            method="tiers",
            tiers=[{"up_to_rank": 1, "coefficient": "1.5"}, {"up_to_rank": 9, "coefficient": "1"}],
        )
    )
    assert (created[world.county_a.pk].computed, created[world.county_b.pk].computed) == (D(600), D(400))


def test_adjust_approve_and_freeze_with_change_records(world, run):
    created = plan(world, run)
    admin = world.users[Role.CITY_ADMIN]
    second = f.UserFactory(username="signer", role=Role.CITY_ADMIN, region=world.city)
    a, b = shares(created)[world.county_a.pk], shares(created)[world.county_b.pk]
    services.share_adjust(actor=admin, share=a, adjustment="-55.17", reason="甲区上年专项债结余较大")
    with pytest.raises(ValidationError, match="不符"):
        services.plan_approve(actor=second, plan=created)
    services.share_adjust(actor=admin, share=b, adjustment="55.17", reason="乙县重点项目资金缺口")
    with pytest.raises(PermissionDenied):
        services.plan_approve(actor=admin, plan=created)  # not the one who computed it
    approved = services.plan_approve(actor=second, plan=created)
    assert approved.status == Status.APPROVED and approved.approved_by == second
    assert Share.objects.get(pk=b.pk).final == D(500)
    with pytest.raises(ValidationError):
        services.share_adjust(actor=admin, share=b, adjustment="1", reason="再调")
    models = list(
        ChangeRecord.objects.filter(content_type__app_label="allocation")
        .order_by("pk")
        .values_list("content_type__model", "action")
    )
    assert models == [
        ("plan", "create"),
        ("share", "create"),
        ("share", "create"),
        ("share", "update"),
        ("share", "update"),
        ("plan", "update"),
    ]


def test_bad_input_is_refused_and_writes_nothing(world, run):
    admin = world.users[Role.CITY_ADMIN]
    before = ChangeRecord.objects.count()
    bad = [
        {"amount": "-1"},
        {"amount": "abc"},
        {"amount": "1.001"},
        {"base_share": "1"},
        {"method": "lottery"},
        {"factors": [{"key": "luck", "weight": "1"}]},
        {"factors": [{"key": "bond_pace", "weight": "0"}]},
        {"factors": []},
        {"assessment_run_id": run.pk + 999},
        {"method": "tiers", "tiers": [{"up_to_rank": "x", "coefficient": "1"}]},
        {"method": "tiers", "tiers": [{"up_to_rank": 1, "coefficient": "0"}]},
        {"title": "  "},
    ]
    for fields in bad:
        with pytest.raises(ValidationError):
            plan(world, run, **fields)
    created = plan(world, run)
    share = created.shares.first()
    with pytest.raises(ValidationError):
        services.share_adjust(actor=admin, share=share, adjustment="10", reason="")
    with pytest.raises(ValidationError):
        services.share_adjust(actor=admin, share=share, adjustment="-99999", reason="过多")
    assert ChangeRecord.objects.count() == before + 3  # only the plan that was valid


@pytest.mark.parametrize("role", [Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.SYSTEM_ADMIN])
def test_only_the_city_sees_and_only_its_administrator_changes(world, run, role):
    created = plan(world, run)
    user = world.users[role]
    with pytest.raises(Http404):
        selectors.plan_get(user=user, pk=created.pk)
    with pytest.raises(PermissionDenied):
        plan(world, run, actor=user)
    assert selectors.plan_get(user=world.users[Role.CITY_LEADER], pk=created.pk) == created


def test_the_final_table_exports_as_xlsx(world, run):
    created = plan(world, run)
    admin = world.users[Role.CITY_ADMIN]
    rows = selectors.export_rows(selectors.plan_shares(user=admin, plan=created), created)
    exported = list_export(
        actor=admin, title=created.title, columns=selectors.export_columns(created), rows=rows, params={}
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(exported.file.read()))
    cells = [cell for row in book.get_sheet_by_index(0).to_python() for cell in row]
    assert "甲区" in cells and "较平均分配增减" in cells
    assert 555.17 in cells and 55.17 in cells
    assert exported.record.row_count == 2
