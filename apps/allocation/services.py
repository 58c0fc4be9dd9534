"""Writes of the allocation plans: create (shares computed and explained), adjust a share
with a reason, approve (the shares must add up to the amount; approved plans are frozen).
Every step has its change record in the same transaction."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assessment.indicators import counties_of
from apps.assessment.models import RunStatus
from apps.assessment.selectors import county_result_queryset, run_queryset
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, change_records_write_bulk, snapshot
from apps.regions.models import Region, RegionLevel

from .calculation import by_factors, by_tiers, equal_split
from .factors import LABELS, READERS
from .models import Method, Plan, Share, Status


def _check_admin(actor, region: Region) -> None:
    from apps.accounts.models import Role

    if actor is None or actor.role != Role.CITY_ADMIN or not actor.region_id:
        raise PermissionDenied(_("只有市发改委管理员可以测算和调整资金分配方案。"))
    if not region.code.startswith(actor.region.code_prefix):
        raise PermissionDenied(_("该分配方案不在您的管理范围内。"))


# The largest amount a MoneyField holds (万元).
MONEY_LIMIT = Decimal(10) ** (settings.MONEY_MAX_DIGITS - settings.MONEY_DECIMAL_PLACES)


def _decimal(value, field: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: message}) from None
    if not number.is_finite() or abs(number) >= MONEY_LIMIT:
        raise ValidationError({field: message})
    return number


def _clean_factors(factors) -> list[dict]:
    if not isinstance(factors, list) or not factors:
        raise ValidationError({"factors": _("因素法至少选择一个因素并填写权重。")})
    cleaned = []
    for item in factors:
        key = item.get("key") if isinstance(item, dict) else None
        if key not in READERS:
            raise ValidationError({"factors": _("未知的分配因素“%(key)s”。") % {"key": key}})
        weight = _decimal(item.get("weight"), "factors", _("因素权重应为正数。"))
        if weight <= 0:
            raise ValidationError({"factors": _("因素权重应为正数。")})
        cleaned.append({"key": key, "weight": str(weight)})
    if len({item["key"] for item in cleaned}) != len(cleaned):
        raise ValidationError({"factors": _("同一因素只能选一次。")})
    return cleaned


def _clean_tiers(tiers) -> list[dict]:
    if not isinstance(tiers, list) or not tiers:
        raise ValidationError({"tiers": _("名次分档至少填写一档。")})
    cleaned = []
    for item in tiers:
        if not isinstance(item, dict):
            raise ValidationError({"tiers": _("分档格式应为“截至名次、系数”。")})
        up_to = item.get("up_to_rank")
        if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 1:
            raise ValidationError({"tiers": _("分档的截至名次应为正整数。")})
        coefficient = _decimal(item.get("coefficient"), "tiers", _("分档系数应为不小于0的数。"))
        if coefficient < 0:
            raise ValidationError({"tiers": _("分档系数应为不小于0的数。")})
        cleaned.append({"up_to_rank": up_to, "coefficient": str(coefficient)})
    cleaned.sort(key=lambda item: item["up_to_rank"])
    return cleaned


@transaction.atomic
def plan_create(*, actor, **fields) -> Plan:
    """Create a plan and compute its shares (each explained), with the equal split beside."""
    plan = plan_build(actor=actor, **fields)
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=plan, before=None, after=snapshot(plan))
    change_records_write_bulk(
        actor=actor, entries=((ChangeAction.CREATE, row, None, snapshot(row), None) for row in plan.shares.all())
    )
    return plan


def plan_build(
    *,
    actor,
    region: Region,
    year: int,
    title: str,
    amount,
    method: str,
    base_share="0",
    factors=None,
    tiers=None,
    assessment_run_id: int | None = None,
) -> Plan:
    """Validate, compute and store a plan with its shares (no change record: plan_create's
    core, and the demo seed's initial load)."""
    _check_admin(actor, region)
    if region.level != RegionLevel.CITY:
        raise ValidationError({"region": _("资金分配按市测算，请选择市级区划。")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写方案名称。")})
    amount = _decimal(amount, "amount", _("分配总额应为大于0的金额（万元）。"))
    if amount <= 0 or amount.as_tuple().exponent < -2:
        raise ValidationError({"amount": _("分配总额应为大于0的金额（万元），最多两位小数。")})
    base_share = _decimal(base_share, "base_share", _("基础份额比例应在0至1之间。"))
    if not 0 <= base_share < 1:
        raise ValidationError({"base_share": _("基础份额比例应在0至1之间（不含1）。")})
    if method not in Method.values:
        raise ValidationError({"method": _("请选择分配方法。")})
    run = None
    if assessment_run_id is not None:
        run = run_queryset(user=actor).filter(pk=assessment_run_id, status=RunStatus.PUBLISHED).first()
        if run is None or run.scheme.region_id != region.pk:
            raise ValidationError({"assessment_run": _("请选择本市已发布的考核结果。")})
    counties = counties_of(region)
    if not counties:
        raise ValidationError({"region": _("本市没有县区。")})
    plan = Plan(region=region, year=year, title=title, amount=amount, method=method, created_by=actor)
    plan.assessment_run = run
    if method == Method.FACTORS:
        plan.factors, plan.base_share = _clean_factors(factors), base_share
        if any(item["key"] == "assessment_score" for item in plan.factors) and run is None:
            raise ValidationError({"assessment_run": _("使用考核得分因素须选择已发布的考核结果。")})
    else:
        plan.tiers = _clean_tiers(tiers)
        if run is None:
            raise ValidationError({"assessment_run": _("按考核名次分档须选择已发布的考核结果。")})
    ids = [county.pk for county in counties]
    values: dict[str, dict] = {}
    if method == Method.FACTORS:
        for item in plan.factors:
            values[item["key"]] = READERS[item["key"]](user=actor, plan=plan, counties=counties)
        shares, words = by_factors(
            counties=ids,
            amount=amount,
            base_share=base_share,
            factors=[(i["key"], str(LABELS[i["key"]]), Decimal(i["weight"]), values[i["key"]]) for i in plan.factors],
        )
    else:
        ranks = dict(county_result_queryset(user=actor).filter(run=run).values_list("region_id", "rank"))
        values["rank"] = ranks
        try:
            shares, words = by_tiers(
                counties=ids,
                amount=amount,
                ranks=ranks,
                tiers=[(t["up_to_rank"], Decimal(t["coefficient"])) for t in plan.tiers],
            )
        except ValueError:
            raise ValidationError({"tiers": _("各县区的分档系数均为0，无法分配。")}) from None
    plan.full_clean()
    plan.save()
    equal = equal_split(ids, amount)
    Share.objects.bulk_create(
        [
            Share(
                plan=plan,
                region_id=pk,
                factor_values={key: None if by.get(pk) is None else str(by[pk]) for key, by in values.items()},
                computed=shares[pk],
                final=shares[pk],
                equal_split=equal[pk],
                explanation=words[pk],
            )
            for pk in ids
        ]
    )
    return plan


def _check_draft(plan: Plan) -> None:
    if plan.status != Status.DRAFT:
        raise ValidationError({"status": _("方案已审定，不能再修改。")})


@transaction.atomic
def share_adjust(*, actor, share: Share, adjustment, reason: str) -> Share:
    """A manual adjustment of one county's amount (+/− 万元), with its reason."""
    plan = Plan.objects.select_for_update().get(pk=share.plan_id)
    _check_admin(actor, plan.region)
    _check_draft(plan)
    adjustment = _decimal(adjustment, "adjustment", _("调整金额应为数字（万元）。"))
    if adjustment.as_tuple().exponent < -2:
        raise ValidationError({"adjustment": _("调整金额最多两位小数。")})
    reason = (reason or "").strip()
    if adjustment and not reason:
        raise ValidationError({"adjustment_reason": _("调整须写明原因。")})
    if share.computed + adjustment < 0:
        raise ValidationError({"adjustment": _("调整后金额不能为负数。")})
    before = snapshot(share)
    share.adjustment, share.adjustment_reason = adjustment, reason if adjustment else ""
    share.final = share.computed + adjustment
    share.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=share, before=before, after=snapshot(share))
    return share


@transaction.atomic
def plan_approve(*, actor, plan: Plan) -> Plan:
    """Approve (审定): by a city administrator other than the one who computed it; the
    adjusted amounts must add up to the amount. The plan is frozen from then on."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _check_admin(actor, plan.region)
    _check_draft(plan)
    if actor.pk == plan.created_by_id:
        raise PermissionDenied(_("审定须由测算人以外的管理员进行。"))
    total = sum((share.final for share in plan.shares.all()), Decimal(0))
    if total != plan.amount:
        raise ValidationError(
            {
                "shares": _("调整后合计%(total)s万元与分配总额%(amount)s万元不符，请先平衡调整。")
                % {"total": total, "amount": plan.amount}
            }
        )
    before = snapshot(plan)
    plan.status, plan.approved_by, plan.approved_at = Status.APPROVED, actor, timezone.now()
    plan.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=plan, before=before, after=snapshot(plan))
    return plan


def plan_export(*, actor, plan_id: int, params):
    """The final table as .xlsx through the shared export machinery (an ExportRecord)."""
    from apps.exports.services import list_export

    from . import selectors

    plan = selectors.plan_get(user=actor, pk=plan_id)
    rows = selectors.export_rows(selectors.plan_shares(user=actor, plan=plan), plan)
    return list_export(actor=actor, title=plan.title, columns=selectors.export_columns(plan), rows=rows, params=params)
