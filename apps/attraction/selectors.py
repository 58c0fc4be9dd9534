"""Reads of investment leads, their lateness and their figures. Every function takes the
acting user and starts from the restricted queryset: pages, API and exports share one scope.

Lateness is computed here as clean functions of a lead, the day and the calendar
(`lead_lateness`), so the lights' rules engine can call them; it is not a second engine.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.context import current_request_meta
from apps.core.money import WAN_PER_YI
from apps.workdays.calendar import WorkCalendar, WorkdayDataMissing

from .models import (
    FINAL_STAGES,
    PIPELINE,
    InvestmentLead,
    InvestorContact,
    LeadFollowUp,
    LeadFundsArrival,
    LeadNotice,
    LeadSource,
    LeadStage,
    LeadStageEvent,
    NoticeKind,
    PersonalDataRead,
    add_months,
    rules,
    stages_from,
)

# --- lateness -----------------------------------------------------------------------------


class LateStatus:
    """Worst first; a lead's status is the worst of its checks."""

    EXIT_DUE = "exit_due"
    NOTICE_DUE = "notice_due"
    LATE = "late"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    UNKNOWN = "unknown"

    ORDER = (EXIT_DUE, NOTICE_DUE, LATE, UNKNOWN, DUE_SOON, ON_TRACK)
    LABELS = {
        EXIT_DUE: _lazy("应启动退出"),
        NOTICE_DUE: _lazy("应发限期通知"),
        LATE: _lazy("逾期"),
        UNKNOWN: _lazy("缺少工作日数据"),
        DUE_SOON: _lazy("临期"),
        ON_TRACK: _lazy("正常"),
    }

    @classmethod
    def label(cls, status: str) -> str:
        return str(cls.LABELS[status])


CHECK_LABELS = {
    "respond": _lazy("响应研判"),
    "assess": _lazy("研判结论"),
    "report": _lazy("跟进报告"),
    "register": _lazy("企业注册"),
    "land": _lazy("供地"),
    "start": _lazy("开工"),
    "funds": _lazy("资金到位"),
    "calendar": _lazy("工作日历"),
}


@dataclass(frozen=True)
class Lateness:
    check: str  # respond, assess, report, register, land, start, funds, calendar
    status: str
    due: datetime.date | None
    message: str

    @property
    def label(self) -> str:
        return str(CHECK_LABELS[self.check])

    @property
    def status_label(self) -> str:
        return LateStatus.label(self.status)


def notice_due_date(lead: InvestmentLead) -> datetime.date:
    """The day from which a 限期开工通知书 may be issued: the agreed start + the grace months."""
    return add_months(start_due_date(lead), rules()["start_grace_months"])


def start_due_date(lead: InvestmentLead) -> datetime.date:
    contract = lead.contract
    return contract.agreed_start_date or add_months(contract.signed_on, rules()["start_months"])


def _due(check: str, due: datetime.date, today: datetime.date, soon_days: int, late_message: str) -> Lateness:
    if today > due:
        return Lateness(check, LateStatus.LATE, due, late_message)
    if (due - today).days <= soon_days:
        return Lateness(check, LateStatus.DUE_SOON, due, _("%(date)s 到期") % {"date": due.isoformat()})
    return Lateness(check, LateStatus.ON_TRACK, due, "")


def lead_lateness(lead: InvestmentLead, *, today: datetime.date, calendar: WorkCalendar, rule: dict) -> list[Lateness]:
    """The deadline checks of one lead on `today`. The lead comes with `contract`,
    `stage_events`, `follow_ups` (newest first), `funds_arrivals` and `notices` loaded
    (see `with_lateness_relations`). A final lead has no checks."""
    stage = lead.stage
    if stage in FINAL_STAGES:
        return []
    soon = rule["due_soon_days"]
    checks: list[Lateness] = []
    try:
        if stage == LeadStage.LEAD:
            due = calendar.add(lead.received_on, rule["respond_workdays"])
            checks.append(
                _due(
                    "respond",
                    due,
                    today,
                    soon,
                    _("线索获取后 %(n)s 个工作日内未响应研判") % {"n": rule["respond_workdays"]},
                )
            )
        if stage == LeadStage.ASSESSING:
            due = calendar.add(lead.stage_since, rule["assess_workdays"])
            checks.append(
                _due("assess", due, today, soon, _("研判超过 %(n)s 个工作日未出结论") % {"n": rule["assess_workdays"]})
            )
    except WorkdayDataMissing as error:
        checks.append(Lateness("calendar", LateStatus.UNKNOWN, None, error.messages[0]))
    if stage != LeadStage.LEAD:
        reports = list(lead.follow_ups.all())
        last = max([r.reported_on for r in reports] + [lead.stage_since])
        due = last + datetime.timedelta(days=rule["report_every_days"])
        checks.append(
            _due("report", due, today, soon, _("超过 %(n)s 天未报送跟进情况") % {"n": rule["report_every_days"]})
        )
    contract = getattr(lead, "contract", None) if stage in stages_from(LeadStage.SIGNED) else None
    if contract is None:
        return checks
    signed = contract.signed_on
    if stage == LeadStage.SIGNED:
        due = signed + datetime.timedelta(days=rule["register_days"])
        check = _due("register", due, today, soon, _("签约满 %(n)s 日未注册企业") % {"n": rule["register_days"]})
        if check.status == LateStatus.LATE:
            check = Lateness("register", LateStatus.EXIT_DUE, due, check.message + _("，应按退出机制处理"))
        checks.append(check)
    if stage in (LeadStage.SIGNED, LeadStage.REGISTERED):
        due = add_months(signed, rule["land_months"])
        checks.append(_due("land", due, today, soon, _("签约满 %(n)s 个月未供地") % {"n": rule["land_months"]}))
    if stage in (LeadStage.SIGNED, LeadStage.REGISTERED, LeadStage.LAND_SUPPLIED):
        due = start_due_date(lead)
        check = _due("start", due, today, soon, _("超过约定开工日期未开工"))
        if check.status == LateStatus.LATE:
            notices = [n for n in lead.notices.all() if n.kind == NoticeKind.START_DEADLINE]
            grace_end = notice_due_date(lead)
            if notices and notices[-1].deadline and today > notices[-1].deadline:
                check = Lateness(
                    "start",
                    LateStatus.EXIT_DUE,
                    notices[-1].deadline,
                    _("限期开工通知书期满仍未开工，应按退出机制处理"),
                )
            elif not notices and today >= grace_end:
                check = Lateness(
                    "start",
                    LateStatus.NOTICE_DUE,
                    grace_end,
                    _("逾期 %(n)s 个月未开工，应发出限期开工通知书") % {"n": rule["start_grace_months"]},
                )
        checks.append(check)
    due = add_months(signed, rule["funds_months"])
    arrived = sum((a.amount for a in lead.funds_arrivals.all() if a.arrived_on <= due), Decimal(0))
    if arrived < contract.amount * rule["funds_share"]:
        share = f"{(rule['funds_share'] * 100).normalize():f}%"
        checks.append(
            _due(
                "funds",
                due,
                today,
                soon,
                _("签约满 %(n)s 个月到位资金不足合同额的 %(share)s") % {"n": rule["funds_months"], "share": share},
            )
        )
    return checks


def worst_status(checks: list[Lateness]) -> str:
    statuses = {check.status for check in checks}
    return next((status for status in LateStatus.ORDER if status in statuses), LateStatus.ON_TRACK)


class LateContext:
    """One calendar and rule set for a request: lateness of many leads without re-reading them."""

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.calendar = WorkCalendar.load()
        self.rule = rules()

    def checks(self, lead) -> list[Lateness]:
        return lead_lateness(lead, today=self.today, calendar=self.calendar, rule=self.rule)

    def status(self, lead) -> str:
        return worst_status(self.checks(lead))


# The lead's records that lateness reads, with the date each became known.
_DATED_RELATIONS = {
    "stage_events": "entered_on",
    "follow_ups": "reported_on",
    "funds_arrivals": "arrived_on",
    "notices": "issued_on",
}


def stage_as_of(lead, day: datetime.date) -> tuple[str, datetime.date]:
    """The stage the lead was in at the end of `day` and the date it entered it, from its stage
    events (prefetched): the last one entered by then (on one day, the furthest along; 退出 after
    any). A lead with no event by then is a 线索 since it was received."""
    known = [event for event in lead.stage_events.all() if event.entered_on <= day]
    if not known:
        return LeadStage.LEAD, lead.received_on

    def order(event):
        return (event.entered_on, len(PIPELINE) if event.stage == LeadStage.EXITED else PIPELINE.index(event.stage))

    last = max(known, key=order)
    return last.stage, last.entered_on


def lead_as_of(lead, day: datetime.date):
    """A copy of the lead (loaded with `with_lateness_relations` or `leads_for_lateness`) as it
    stood at the end of `day`: the stage it had then and only the events, reports, funds and
    notices dated by then, so a past period's lateness replays that period (nothing is read
    again, nothing is saved; the copy's relations are plain lists, for reading)."""
    import copy

    past = copy.copy(lead)
    past.stage, past.stage_since = stage_as_of(lead, day)
    past._prefetched_objects_cache = {
        name: [item for item in getattr(lead, name).all() if getattr(item, date_field) <= day]
        for name, date_field in _DATED_RELATIONS.items()
    }
    return past


def leads_for_lateness(queryset) -> list:
    """The leads of `queryset` with what lateness reads, as `with_lateness_relations` gives them
    but in one statement per relation without a queryset per lead and relation (Django's
    prefetch builds 4 per lead: at 1,680 leads most of `lead_figures`' time). The relations are
    plain lists in the prefetch cache: `lead.follow_ups.all()` and the like read them; they are
    for reading only (no further filtering)."""
    leads = list(queryset.select_related("region", "attraction_unit", "contract", "project").prefetch_related(None))
    ids = [lead.pk for lead in leads]
    groups = {}
    for name, model, order in (
        ("stage_events", LeadStageEvent, ("entered_on", "id")),
        ("follow_ups", LeadFollowUp, ("-reported_on", "-id")),
        ("funds_arrivals", LeadFundsArrival, ("arrived_on", "id")),
        ("notices", LeadNotice, ("issued_on", "id")),
    ):
        grouped = defaultdict(list)
        for row in model.objects.filter(lead_id__in=ids).order_by(*order):
            grouped[row.lead_id].append(row)
        groups[name] = grouped
    for lead in leads:
        lead._prefetched_objects_cache = {name: grouped.get(lead.pk, []) for name, grouped in groups.items()}
    return leads


def with_lateness_relations(queryset):
    return queryset.select_related("region", "attraction_unit", "contract", "project").prefetch_related(
        "stage_events",
        Prefetch("follow_ups", queryset=LeadFollowUp.objects.order_by("-reported_on", "-id")),
        "funds_arrivals",
        "notices",
    )


# --- leads ---------------------------------------------------------------------------------


def lead_queryset(*, user, action: str = "view"):
    return InvestmentLead.objects.restrict(user, action)


def lead_filterset(*, user, params, request=None):
    from .filters import LeadFilterSet

    return LeadFilterSet(params, queryset=with_lateness_relations(lead_queryset(user=user)), request=request, user=user)


def lead_get(*, user, pk: int, action: str = "view") -> InvestmentLead:
    lead = with_lateness_relations(lead_queryset(user=user)).filter(pk=pk).first()
    if lead is None:
        raise Http404(_("招商线索不存在或不在您的权限范围内。"))
    if action != "view" and not lead_can(user=user, lead=lead, action=action):
        raise PermissionDenied(_("您无权修改该招商线索。"))
    return lead


def lead_can(*, user, lead, action: str = "change") -> bool:
    return lead_queryset(user=user, action=action).filter(pk=lead.pk).exists()


def lead_contacts(*, user, lead: InvestmentLead, channel: str) -> list[InvestorContact]:
    """The lead's investor contacts for those allowed to read personal data; each read is
    logged (who, which lead, how many, through which channel, request id and address).
    Others get PermissionDenied, and nothing is read."""
    contacts = list(InvestorContact.objects.restrict(user, "view").filter(lead=lead))
    if not lead_can(user=user, lead=lead, action="contacts"):
        raise PermissionDenied(_("投资方联系人属个人信息，仅招商单位、落地县区和市发改委可查看。"))
    meta = current_request_meta()
    PersonalDataRead.objects.create(
        user=user,
        user_name=user.display_name,
        lead=lead,
        contacts=len(contacts),
        channel=channel,
        request_id=meta.request_id,
        client_ip=meta.client_ip,
    )
    return contacts


def can_read_contacts(*, user, lead) -> bool:
    return lead_can(user=user, lead=lead, action="contacts")


# --- figures -------------------------------------------------------------------------------


@dataclass
class Figure:
    """A number and the leads behind it (`ids`), with its definition (`basis`)."""

    code: str
    label: str
    value: object
    ids: list = field(default_factory=list)
    basis: str = ""
    numerator: object = None
    denominator: object = None


def _rate(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _reached(lead, stage: str, dates: dict) -> bool:
    return dates.get(stage) is not None or any(dates.get(s) for s in stages_from(stage))


def _amount(lead) -> Decimal:
    contract = getattr(lead, "contract", None)
    return contract.amount if contract else Decimal(0)


def _has_contract(lead) -> bool:
    try:
        return lead.contract is not None
    except InvestmentLead.contract.RelatedObjectDoesNotExist:
        return False


@dataclass
class LeadFigures:
    scope_label: str
    total: Figure
    by_stage: list
    signed: Figure
    signed_amount: Figure
    performance_rate: Figure
    start_rate: Figure
    landed_rate: Figure
    funds_arrival_rate: Figure
    yi_projects: Figure
    late: Figure
    exit_due: Figure
    started_no_investment: Figure
    pipeline_amount: Figure
    in_statistics: Figure
    funnel: list
    median_days: list
    by_region: list
    by_industry: list
    by_source: list

    def all(self) -> list[Figure]:
        singles = [
            self.total,
            self.signed,
            self.signed_amount,
            self.performance_rate,
            self.start_rate,
            self.landed_rate,
            self.funds_arrival_rate,
            self.yi_projects,
            self.late,
            self.exit_due,
            self.started_no_investment,
            self.pipeline_amount,
            self.in_statistics,
        ]
        return singles + self.by_stage + self.funnel


CONTRACT_CHECKS = ("register", "land", "start", "funds")


def started_without_investment(*, leads: list, today: datetime.date, months: int) -> list[int]:
    """只开工不落地: leads at or past 开工 (not exited) whose registry project has no completed
    investment reported (counted reports, amount > 0) in the last `months` months."""
    from apps.reporting.models import COUNTED_REPORT_STATUSES, MonthlyReport

    started = [lead for lead in leads if lead.stage in stages_from(LeadStage.STARTED) and lead.project_id]
    if not started:
        return []
    since = add_months(today.replace(day=1), -months)
    since_key = since.year * 100 + since.month
    reporting = set(
        MonthlyReport.objects.filter(
            project_id__in=[lead.project_id for lead in started],
            status__in=COUNTED_REPORT_STATUSES,
            completed_investment__gt=0,
        )
        .filter(Q(year__gt=since.year) | Q(year=since.year, month__gte=since.month))
        .values_list("project_id", flat=True)
    )
    del since_key
    return sorted(
        lead.pk
        for lead in started
        if lead.project_id not in reporting and lead.stage_dates().get(LeadStage.STARTED, today) <= since
    )


def lead_figures(*, user, queryset=None, today: datetime.date | None = None, scope_label: str = "") -> LeadFigures:
    """Every figure of the attraction pipeline over the user's leads (or `queryset`, already
    restricted), each with the ids of the leads behind it. Definitions: README 招商引资."""
    context = LateContext(today)
    today = context.today
    rule = context.rule
    base = queryset if queryset is not None else lead_queryset(user=user)
    leads = leads_for_lateness(base)
    dates = {lead.pk: lead.stage_dates() for lead in leads}
    late_status = {lead.pk: context.checks(lead) for lead in leads}

    def ids(predicate) -> list[int]:
        return sorted(lead.pk for lead in leads if predicate(lead))

    signed = [lead for lead in leads if _has_contract(lead)]
    signed_ids = sorted(lead.pk for lead in signed)
    live_signed = [lead for lead in signed if lead.stage != LeadStage.EXITED]
    started_from, landed_from = rule["started_from"], rule["landed_from"]
    started_ids = sorted(lead.pk for lead in signed if _reached(lead, started_from, dates[lead.pk]))
    landed_ids = sorted(lead.pk for lead in signed if _reached(lead, landed_from, dates[lead.pk]))
    performing_ids = sorted(
        lead.pk
        for lead in live_signed
        if not any(
            check.check in CONTRACT_CHECKS
            and check.status in (LateStatus.LATE, LateStatus.NOTICE_DUE, LateStatus.EXIT_DUE)
            for check in late_status[lead.pk]
        )
    )
    contract_total = sum((_amount(lead) for lead in live_signed), Decimal(0))
    arrived_total = sum((a.amount for lead in live_signed for a in lead.funds_arrivals.all()), Decimal(0))
    yi = [lead for lead in signed if _amount(lead) >= WAN_PER_YI]
    statuses = {pk: worst_status(checks) for pk, checks in late_status.items()}
    signed_label = _("签约项目数")

    def counted(code, label, members, basis=""):
        return Figure(code, label, len(members), members, basis)

    by_stage = [
        counted(f"stage:{stage.value}", str(stage.label), ids(lambda lead, s=stage: lead.stage == s))
        for stage in LeadStage
    ]
    funnel = [
        counted(
            f"reached:{stage.value}", str(stage.label), ids(lambda lead, s=stage: _reached(lead, s, dates[lead.pk]))
        )
        for stage in PIPELINE
    ]
    late_ids = sorted(
        pk for pk, s in statuses.items() if s in (LateStatus.LATE, LateStatus.NOTICE_DUE, LateStatus.EXIT_DUE)
    )
    unconverted = [lead for lead in live_signed if lead.project_id is None]
    median_days = []
    for index, stage in enumerate(PIPELINE[:-1]):
        spans = []
        for lead in leads:
            entered = dates[lead.pk].get(stage)
            following = [dates[lead.pk].get(s) for s in PIPELINE[index + 1 :] if dates[lead.pk].get(s)]
            if entered and following:
                spans.append((min(following) - entered).days)
        median_days.append(
            {
                "stage": stage,
                "label": str(stage.label),
                "median": statistics.median(spans) if spans else None,
                "n": len(spans),
            }
        )

    def breakdown(key, label_of) -> list[dict]:
        groups = defaultdict(list)
        for lead in leads:
            groups[key(lead)].append(lead)
        rows = []
        for group_key, members in groups.items():
            member_signed = [m for m in members if _has_contract(m)]
            rows.append(
                {
                    "key": group_key,
                    "label": label_of(group_key, members),
                    "count": len(members),
                    "ids": sorted(m.pk for m in members),
                    "signed": len(member_signed),
                    "signed_ids": sorted(m.pk for m in member_signed),
                    "signed_amount": sum((_amount(m) for m in member_signed), Decimal(0)),
                }
            )
        return sorted(rows, key=lambda row: (-row["signed_amount"], -row["count"], str(row["key"])))

    no_investment = started_without_investment(leads=leads, today=today, months=rule["no_investment_months"])
    return LeadFigures(
        scope_label=scope_label,
        total=Figure("total", _("线索总数"), len(leads), sorted(lead.pk for lead in leads)),
        by_stage=by_stage,
        signed=Figure("signed", _("签约项目数"), len(signed), signed_ids, _("有签约合同的线索（含签约后退出的）")),
        signed_amount=Figure(
            "signed",
            _("签约合同额（万元）"),
            sum((_amount(lead) for lead in signed), Decimal(0)),
            signed_ids,
            _("签约合同投资额合计"),
        ),
        performance_rate=Figure(
            "performing",
            _("履约率"),
            _rate(len(performing_ids), len(signed)),
            performing_ids,
            _("履约项目数 ÷ 签约项目数；履约＝未退出且注册、供地、开工、资金到位均未逾期"),
            len(performing_ids),
            len(signed),
        ),
        start_rate=Figure(
            "started",
            _("开工率"),
            _rate(len(started_ids), len(signed)),
            started_ids,
            _("开工项目数（进入“%(stage)s”及以后阶段，含之后退出的）÷ %(base)s")
            % {"stage": LeadStage(started_from).label, "base": signed_label},
            len(started_ids),
            len(signed),
        ),
        landed_rate=Figure(
            "landed",
            _("落地率"),
            _rate(len(landed_ids), len(signed)),
            landed_ids,
            _("落地项目数（进入“%(stage)s”及以后阶段，含之后退出的）÷ %(base)s")
            % {"stage": LeadStage(landed_from).label, "base": signed_label},
            len(landed_ids),
            len(signed),
        ),
        funds_arrival_rate=Figure(
            "live_signed",
            _("资金到位率"),
            _rate(arrived_total, contract_total),
            sorted(lead.pk for lead in live_signed),
            _("到位资金总额 ÷ 合同项目投资总额（未退出的签约项目）"),
            arrived_total,
            contract_total,
        ),
        yi_projects=Figure(
            "yi",
            _("亿元以上签约项目"),
            len(yi),
            sorted(lead.pk for lead in yi),
            _("合同投资额 ≥ 1 亿元（10,000 万元）"),
            sum((_amount(lead) for lead in yi), Decimal(0)),
        ),
        late=counted("late", _("逾期线索"), late_ids, _("有逾期、应发限期通知或应启动退出的检查项")),
        exit_due=counted(
            "exit_due", _("应启动退出"), sorted(pk for pk, s in statuses.items() if s == LateStatus.EXIT_DUE)
        ),
        started_no_investment=counted(
            "no_investment",
            _("只开工不落地"),
            no_investment,
            _("已开工满 %(n)s 个月、近 %(n)s 个月项目库无完成投资报送") % {"n": rule["no_investment_months"]},
        ),
        pipeline_amount=Figure(
            "unconverted",
            _("待转入项目库的签约额（万元）"),
            sum((_amount(lead) for lead in unconverted), Decimal(0)),
            sorted(lead.pk for lead in unconverted),
            _("未退出、尚未对应项目库项目的签约项目合同额；开工转入项目库后只在项目库计算"),
        ),
        in_statistics=counted(
            "in_statistics",
            _("已入统项目"),
            ids(lambda lead: lead.project_id and lead.project.in_statistics),
            _("对应项目库项目已入统（以项目库的入统标记为准）"),
        ),
        funnel=funnel,
        median_days=median_days,
        by_region=breakdown(lambda lead: lead.region_id, lambda key, members: members[0].region.name),
        by_industry=breakdown(
            lambda lead: lead.industry_code.lstrip("ABCDEFGHIJKLMNOPQRST")[:2], lambda key, members: key
        ),
        by_source=breakdown(lambda lead: lead.source, lambda key, members: str(LeadSource(key).label)),
    )


FIGURE_CODES = (
    "total",
    "signed",
    "performing",
    "started",
    "landed",
    "live_signed",
    "yi",
    "late",
    "exit_due",
    "no_investment",
)


def figure_ids(*, user, code: str, queryset=None) -> list[int] | None:
    """The ids behind one figure (the drill-down of a number), None for an unknown code."""
    figures = lead_figures(user=user, queryset=queryset)
    for figure in figures.all():
        if figure.code == code:
            return figure.ids
    return None


def stage_counts(*, user) -> Counter:
    return Counter(lead_queryset(user=user).values_list("stage", flat=True))


def with_lateness(leads, context: LateContext | None = None) -> list:
    """The leads (loaded `with_lateness_relations`) with `lateness`, `late_status` and
    `funds_arrived` set, for pages and API."""
    context = context or LateContext()
    leads = list(leads)
    for lead in leads:
        lead.lateness = context.checks(lead)
        lead.late_status = worst_status(lead.lateness)
        lead.late_status_label = LateStatus.label(lead.late_status)
        lead.funds_arrived = sum((a.amount for a in lead.funds_arrivals.all()), Decimal(0))
    return leads


def scope_label(*, user) -> str:
    """Which leads the figures cover, said on every page and answer."""
    from apps.accounts.models import Role

    if user.role == Role.DEPARTMENT_USER and user.organisation_id:
        return _("%(unit)s招商的线索") % {"unit": user.organisation}
    if user.region_id:
        return _("%(region)s（含下级）拟落地的线索") % {"region": user.region.name}
    return _("全部线索")


def personal_data_reads(*, user):
    """The log of investor-contact reads, for the city administrator and auditors (others: none)."""
    return PersonalDataRead.objects.restrict(user).select_related("lead", "user").order_by("-time", "-pk")


def can_audit_reads(*, user) -> bool:
    return PersonalDataRead.objects.scope_q(user, "view") is not None


def speech_context(*, user, region, today: datetime.date | None = None) -> dict:
    """The pipeline's figures for the speech page and the bulletin: key → (value, unit,
    title, url to the leads behind it, label). None (暂无数据) while the user's scope and
    region hold no lead."""
    from django.urls import reverse
    from django.utils.http import urlencode

    queryset = lead_queryset(user=user)
    if region is not None:
        queryset = queryset.filter(region__code__startswith=region.code_prefix)
    figures = lead_figures(user=user, queryset=queryset, today=today)
    recorded = bool(figures.total.value)
    scope = _("招商线索，您权限范围内")

    def entry(figure: "Figure", unit: str) -> tuple:
        params = {"figure": figure.code, **({"region": region.pk} if region is not None else {})}
        title = f"{figure.label}：{figure.basis}（{scope}）" if figure.basis else f"{figure.label}（{scope}）"
        url = f"{reverse('attraction:list')}?{urlencode(params)}"
        return (figure.value if recorded else None, unit, title, url, figure.label)

    return {
        "signed": entry(figures.signed, "个"),
        "signed_amount": entry(figures.signed_amount, "万元"),
        "landed_rate": entry(figures.landed_rate, "%"),
        "start_rate": entry(figures.start_rate, "%"),
        "funds_arrival_rate": entry(figures.funds_arrival_rate, "%"),
        "started_no_investment": entry(figures.started_no_investment, "个"),
        "late": entry(figures.late, "个"),
        "exit_due": entry(figures.exit_due, "个"),
    }
