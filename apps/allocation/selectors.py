"""Reads of the allocation plans, taking the acting user (outside scope → 404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from apps.exports.writers import MONEY, SEQ, TEXT, Column

from .factors import LABELS
from .models import Plan, Share


def plan_queryset(*, user, action: str = "view"):
    return Plan.objects.restrict(user, action).select_related(
        "region", "assessment_run__scheme", "created_by", "approved_by"
    )


def plan_get(*, user, pk: int, action: str = "view") -> Plan:
    return get_object_or_404(plan_queryset(user=user, action=action), pk=pk)


def plan_shares(*, user, plan: Plan) -> list[Share]:
    return list(
        Share.objects.restrict(user, "view")
        .filter(plan=plan)
        .select_related("region")
        .order_by("-final", "region__code")
    )


def share_get(*, user, pk: int, action: str = "view") -> Share:
    return get_object_or_404(Share.objects.restrict(user, action).select_related("plan__region"), pk=pk)


def factor_columns(plan: Plan) -> list[tuple[str, str]]:
    if plan.method == "tiers":
        return [("rank", str(_("考核名次")))]
    return [(item["key"], str(LABELS[item["key"]])) for item in plan.factors]


def export_columns(plan: Plan) -> list[Column]:
    """The final table (.xlsx): county, factor values, computed, adjustment and reason, final,
    equal split and the difference, the explanation."""
    return [
        Column("序号", "seq", SEQ, 6),
        Column("县区", "region", TEXT, 12),
        *[Column(label, f"factor_{key}", TEXT, 14) for key, label in factor_columns(plan)],
        Column("测算金额", "computed", MONEY, 14, summed=True),
        Column("调整金额", "adjustment", MONEY, 12, summed=True),
        Column("调整原因", "adjustment_reason", TEXT, 20),
        Column("分配金额", "final", MONEY, 14, summed=True),
        Column("平均分配金额", "equal_split", MONEY, 14, summed=True),
        Column("较平均分配增减", "versus_equal", MONEY, 14, summed=True),
        Column("测算说明", "explanation", TEXT, 60),
    ]


def export_rows(shares: list[Share], plan: Plan) -> list[dict]:
    return [
        {
            "region": share.region.name,
            **{f"factor_{key}": share.factor_values.get(key) or "—" for key, _label in factor_columns(plan)},
            "computed": share.computed,
            "adjustment": share.adjustment,
            "adjustment_reason": share.adjustment_reason,
            "final": share.final,
            "equal_split": share.equal_split,
            "versus_equal": share.versus_equal,
            "explanation": share.explanation,
        }
        for share in shares
    ]
