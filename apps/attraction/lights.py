"""Investment leads in the lights engine (issue 15's registry): the subject "investment_lead"
and the measure "lead_lateness" (selectors.lead_lateness, the working-day deadlines of
ATTRACTION_RULES), with one published preset.

Registered from AttractionConfig.ready; the preset is installed, switched off, by migration
attraction/0002. Nothing in apps/lights changes for them.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.lights.measures import Context, Measure, Reading, Subject, register_measure, register_subject

SUBJECT = "investment_lead"
MEASURE = "lead_lateness"

# The engine compares numbers: a lead's worst lateness as a level (LateStatus.ORDER, worst first).
LEVELS = {"on_track": 0, "due_soon": 1, "late": 2, "notice_due": 3, "exit_due": 4}


def _lead_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("attraction:detail", args=[pk])


def lead_lateness_measure(ctx: Context) -> Iterable[Reading]:
    """Every lead open at the period's end (not 达产, not 退出 by then) received by then in the
    rule's region, checked on the period's last day (or today, in the running month). A past
    month is replayed as the lead stood then: the stage it had (its stage events) and the
    reports, funds and notices dated by then (`selectors.lead_as_of`).

    Values: value = the worst check as a level (0 正常, 1 临期, 2 逾期, 3 应发限期开工通知书,
    4 应启动退出); days = days past the most overdue deadline (negative: days left before the
    nearest). Six statements whatever the number of leads."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from .models import FINAL_STAGES, InvestmentLead, LeadStageEvent
    from .selectors import LateContext, LateStatus, lead_as_of, leads_for_lateness, worst_status

    today = min(ctx.end, timezone.localdate())
    past = ctx.end < timezone.localdate()
    late = LateContext(today=today)
    queryset = InvestmentLead.objects.filter(received_on__lte=ctx.end)
    if past:
        # Final by the period's end: a lead that reached 达产 or 退出 later was still open then.
        final_by_then = LeadStageEvent.objects.filter(
            lead=OuterRef("pk"), stage__in=FINAL_STAGES, entered_on__lte=ctx.end
        )
        queryset = queryset.exclude(Exists(final_by_then))
    else:
        queryset = queryset.exclude(stage__in=FINAL_STAGES)
    if ctx.region is not None:
        queryset = queryset.filter(region__code__startswith=ctx.region.code_prefix)
    if ctx.object_ids is not None:
        queryset = queryset.filter(pk__in=sorted(ctx.object_ids))
    missing = False
    for lead in leads_for_lateness(queryset.order_by("pk")):
        checks = late.checks(lead_as_of(lead, ctx.end) if past else lead)
        status = worst_status(checks)
        if status == LateStatus.UNKNOWN:
            missing = True  # never guessed: left unlit, and the run says why
            continue
        dated = [check for check in checks if check.due is not None]
        days = max(((today - check.due).days for check in dated), default=None)
        values = {"value": Decimal(LEVELS[status]), "days": None if days is None else Decimal(days)}
        worst = next((check for check in checks if check.status == status), None)
        if worst is not None and worst.message:
            words = _("%(check)s：%(message)s（期限%(due)s）")
            args = {"check": worst.label, "message": worst.message, "due": worst.due.isoformat() if worst.due else "—"}
        else:
            words, args = _("各项期限均未到期"), None
        yield Reading(lead.pk, lead.name, lead.region_id, lead.project_id, values, words, args)
    if missing:
        ctx.notes.append(_("缺少工作日数据，部分招商线索未评价。"))


PRESETS = [
    {
        "code": "attraction-deadlines",
        "name": "招商线索跟踪督办期限",
        "subject": SUBJECT,
        "measure": MEASURE,
        "params": {},
        "scope": {},
        "levels": [
            {"colour": "red", "field": "value", "op": ">=", "value": "3"},
            {"colour": "yellow", "field": "value", "op": ">=", "value": "2"},
            {"colour": "blue", "field": "value", "op": ">=", "value": "1"},
        ],
        "memory": {},
        "actions": {},
        "source_title": "江府办函〔2024〕37号：线索1日内响应、3日内研判、每2周报送跟进；"
        "甘孜州招商引资项目退出管理办法：签约30日未注册、逾期6个月未开工发限期开工通知书后退出。"
        "临期蓝灯，逾期黄灯，应发限期通知或应退出红灯",
        "source_url": "https://456150.com.cn/newzjqx/tzhj/tzzc/content/post_3067855.html",
    },
]


def _lead_changed(sender, instance, raw=False, **kwargs):
    # A stage, report, contract, funds or notice moves the lead's deadlines: re-evaluate it
    # after the commit.
    from apps.lights.signals import refresh_later

    if not raw:
        # The lead itself has no lead_id; its stage events, contract … do.
        refresh_later(SUBJECT, getattr(instance, "lead_id", None) or instance.pk)


def register() -> None:
    from django.db.models.signals import post_save

    from . import models

    for model in (
        models.InvestmentLead,
        models.LeadStageEvent,
        models.LeadContract,
        models.LeadFollowUp,
        models.LeadFundsArrival,
        models.LeadNotice,
    ):
        post_save.connect(_lead_changed, sender=model, dispatch_uid=f"lights_lead_{model._meta.model_name}")
    register_subject(Subject(SUBJECT, gettext_lazy("招商线索"), _lead_url))
    register_measure(
        Measure(
            MEASURE,
            SUBJECT,
            gettext_lazy("招商线索期限"),
            gettext_lazy("级"),
            lead_lateness_measure,
            {
                "value": gettext_lazy("最严重的期限状态（0正常、1临期、2逾期、3应发限期通知、4应启动退出）"),
                "days": gettext_lazy("超过最早期限的天数"),
            },
            description=gettext_lazy(
                "按招商线索期限设置（ATTRACTION_RULES，工作日）检查响应、研判、跟进、注册、供地、开工、资金到位各项期限，"
                "取最严重的一项；回看以往月份时按线索当时所处阶段计算。"
            ),
        )
    )
