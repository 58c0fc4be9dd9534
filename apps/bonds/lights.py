"""Bond batches in the lights engine (issue 15's registry): the subject "bond_allocation" (one
issue's money put down to one project: the unit the pace rules assess, 按批次) and the
measure "bond_spending_pace" (rules.pace_status month by month), with two published presets.

Registered from BondsConfig.ready; the presets are installed, switched off, by migration
bonds/0002. Nothing in apps/lights changes for them.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.lights.measures import Context, Measure, Param, Reading, Subject, register_measure, register_subject

from . import rules

SUBJECT = "bond_allocation"
MEASURE = "bond_spending_pace"
HUNDRED = Decimal(100)

MODE_CHOICES = (
    ("milestones", gettext_lazy("节点进度（设置 BOND_PACE_MILESTONES，如3/6/9/12个月25/50/75/100%）")),
    ("window", gettext_lazy("使用时限内均衡支出（发行次月起算）")),
)


def _allocation_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("bonds:allocation", args=[pk])


def pace_table(ctx: Context):
    """The milestones a rule version asks for: the settings' or an even pace over a window."""
    if ctx.param("mode", "milestones") == "window":
        return rules.window_milestones(int(ctx.param("window_months", 6)))
    return rules.milestones()


def bond_spending_pace(ctx: Context) -> Iterable[Reading]:
    """Every batch × project issued by the period's end, in the rule's region: its spending
    pace at the end of the month against the milestone reached, and its failing streak.

    Values: value = points behind the required share (≤ 0: on pace); relative = the same as
    a percentage of the required share; ratio and required (%); consecutive = months failing
    in a row (预警 at BOND_WARNING_MONTHS); to_recover = 1 past the last milestone and not
    fully spent (收回调整). Three statements whatever the number of batches."""
    from .models import BondAllocation
    from .selectors import batch_pace, month_end, with_pace_relations

    queryset = BondAllocation.objects.filter(issue__issued_on__lte=month_end(ctx.year, ctx.month))
    if ctx.region is not None:
        queryset = queryset.filter(bond_project__project__region__code__startswith=ctx.region.code_prefix)
    if ctx.object_ids is not None:
        queryset = queryset.filter(pk__in=sorted(ctx.object_ids))
    minimum = ctx.param("min_amount")
    if minimum is not None:
        queryset = queryset.filter(amount__gt=Decimal(str(minimum)))
    table = pace_table(ctx)
    last_months = table[-1][0]
    failing_words = _(
        "%(batch)s发行后第%(months)s个月，累计支出%(spent)s万元，支出进度%(ratio)s%%，"
        "低于应达进度%(required)s%%，已连续%(streak)s个月不达标"
    )
    ok_words = _("%(batch)s发行后第%(months)s个月，累计支出%(spent)s万元，支出进度%(ratio)s%%")
    for allocation in with_pace_relations(queryset).order_by("pk"):
        row = batch_pace(allocation, year=ctx.year, month=ctx.month, table=table)
        pace = row.pace
        if pace.required is None or not pace.base:
            continue  # before the first milestone (or nothing left to spend): nothing to assess
        ratio = pace.ratio or Decimal(0)
        behind = pace.required - pace.spent * HUNDRED / pace.base
        recover = pace.months > last_months and pace.spent < pace.base
        values = {
            "value": behind,
            "relative": behind * HUNDRED / pace.required,
            "ratio": ratio,
            "required": pace.required,
            "consecutive": Decimal(row.consecutive_failing),
            "to_recover": Decimal(int(recover)),
        }
        project = allocation.bond_project.project
        args = {
            "batch": allocation.issue.batch,
            "months": pace.months,
            "spent": pace.spent,
            "ratio": ratio,
            "required": pace.required,
            "streak": row.consecutive_failing,
        }
        label = f"{project.name} · {allocation.issue.batch}"
        words = failing_words if pace.status == rules.PACE_FAILING else ok_words
        yield Reading(allocation.pk, label, project.region_id, project.pk, values, words, args)


PRESETS = [
    {
        "code": "shanxi-2022-bond-pace",
        "name": "山西2022·专项债券支出进度（按批次）",
        "subject": SUBJECT,
        "measure": MEASURE,
        "params": {"mode": "milestones", "min_amount": "3000"},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "to_recover", "op": ">=", "value": "1"},
            {"colour": "orange", "field": "consecutive", "op": ">=", "value": "6"},
            {"colour": "yellow", "field": "value", "op": ">", "value": "0"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "晋财债〔2022〕5号：发行后3—6个月支出≥25%、6—9个月≥50%、9—12个月≥75%、12个月全部支出；"
        "一次未达进度列入不达标项目清单（黄灯），连续6个月列入预警项目清单（橙灯），超过12个月未支出完毕收回调整（红灯）；"
        "考核本年发行额3000万元以上的项目",
        "source_url": "http://www.ushui.net/law/v?id=v79f3cv01102114ddf5bf550a09ba52ebbbb8fd7e745a376f863",
    },
    {
        "code": "tianjin-2022-bond-window",
        "name": "天津2022·专项债券6个月使用时限",
        "subject": SUBJECT,
        "measure": MEASURE,
        "params": {"mode": "window", "window_months": "6"},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "relative", "op": ">", "value": "30"},
            {"colour": "yellow", "field": "relative", "op": ">", "value": "0"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "天津2022：每批发行债券使用时限为6个月，从发行月次月开始计算；"
        "达到序时进度绿灯，落后30%以内黄灯，落后30%以上红灯",
        "source_url": "http://m.djxww.com/zixun/2022/0305/48584.html",
    },
]


def _spending_saved(sender, instance, raw=False, **kwargs):
    # A batch's spending moves its pace: re-evaluate that batch after the commit.
    from apps.lights.signals import refresh_later

    if not raw:
        refresh_later(SUBJECT, instance.allocation_id)


def register() -> None:
    from django.db.models.signals import post_save

    from .models import BondSpending

    post_save.connect(_spending_saved, sender=BondSpending, dispatch_uid="lights_bond_spending")
    register_subject(Subject(SUBJECT, gettext_lazy("专项债券批次（项目）"), _allocation_url))
    register_measure(
        Measure(
            MEASURE,
            SUBJECT,
            gettext_lazy("专项债券支出进度"),
            gettext_lazy("个百分点"),
            bond_spending_pace,
            {
                "value": gettext_lazy("低于应达进度（百分点）"),
                "relative": gettext_lazy("落后应达进度的比例（%）"),
                "ratio": gettext_lazy("支出进度（%）"),
                "required": gettext_lazy("应达进度（%）"),
                "consecutive": gettext_lazy("连续不达标月数"),
                "to_recover": gettext_lazy("超期未支出完毕（1为是）"),
            },
            (
                Param("mode", gettext_lazy("进度要求"), "choice", "milestones", MODE_CHOICES),
                Param("window_months", gettext_lazy("使用时限（月）"), "int", 6),
                Param("min_amount", gettext_lazy("仅评价本批下达金额超过（万元）"), "decimal"),
            ),
            gettext_lazy(
                "支出进度 = 本批累计支出 ÷ 下达至项目的本批金额（扣除已批准的用途调整）；"
                "应达进度取发行月起已满月数对应的节点，或使用时限内的均衡进度。"
            ),
        )
    )
