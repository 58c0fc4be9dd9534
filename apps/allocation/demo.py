"""Demo allocation (after the demo assessment): a bond quota split by 因素法 on the published
Q3 assessment, last year's bond spending pace and the reserve, with one adjustment and approved
by the second administrator; and a 奖补 fund by ranked tiers, still in draft. An initial load
like the rest of the seed: computed by the services' core (plan_build), no change records."""

from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import User

from .models import Status
from .services import plan_build


def generate_allocation(*, run) -> int:
    admin = run.computed_by
    plan = plan_build(
        actor=admin,
        region=run.scheme.region,
        year=run.scheme.year + 1,
        title=f"{run.scheme.year + 1}年新增专项债券额度分配（示范）",
        amount="50000",
        method="factors",
        base_share="0.3",
        factors=[
            {"key": "assessment_score", "weight": "0.5"},
            {"key": "bond_pace", "weight": "0.2"},
            {"key": "reserve_investment", "weight": "0.3"},
        ],
        assessment_run_id=run.pk,
    )
    shares = list(plan.shares.order_by("-final"))
    if len(shares) >= 2:
        for share, amount, reason in (
            (shares[0], Decimal(-500), "上年专项债券结余较大，核减500万元"),
            (shares[-1], Decimal(500), "重点民生项目资金缺口，调增500万元"),
        ):
            share.adjustment, share.adjustment_reason, share.final = amount, reason, share.computed + amount
            share.save()
    signer = User.objects.filter(username="signer", role=admin.role, region=admin.region).first()
    if signer is not None:
        plan.status, plan.approved_by, plan.approved_at = Status.APPROVED, signer, timezone.now()
        plan.save()
    plan_build(
        actor=admin,
        region=run.scheme.region,
        year=run.scheme.year,
        title=f"{run.scheme.year}年第三季度重大项目奖补资金（示范）",
        amount="3000",
        method="tiers",
        tiers=[
            {"up_to_rank": 3, "coefficient": "1.5"},
            {"up_to_rank": 6, "coefficient": "1"},
            {"up_to_rank": 99, "coefficient": "0.5"},
        ],
        assessment_run_id=run.pk,
    )
    return 2
