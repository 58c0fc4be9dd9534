"""Demo monthly reports, reporting periods and official statistics for the demo city.

Called by `apps.projects.demo.generate_demo` (inside its transaction) once projects, plans
and users exist; reads them back and writes:

- monthly reports for every month from max(actual start, January of the first report year)
  to the last ended month (the current month is not reported yet): started projects spread
  their annual plan (or a share of the total investment) over the months with noise, never
  more than the total investment in sum; preliminary projects past their planned start report
  their preliminary work and its problems. Past months are verified; the last month is a mix
  of submitted, verified, draft and returned reports, and some projects have none (未报);
- the reporting periods of those months: closed, the last one open (deadline: day 25 of the
  month after);
- the province's peer cities; FAI year to date (no January figure: the first is 1-2月) for
  the city, its counties and the peers; annual targets of the city and its counties; the
  province's key-project list size; the statistics settings.

Deterministic: random.Random streams derived from the seed, projects read in primary-key
order. Reports are written with raw multi-row inserts (COPY on PostgreSQL) in batches, so a
province-scale set (100k projects, 5 years: ~5M reports) takes minutes and little memory.
"""

import calendar
import dataclasses
import datetime
import random
from collections import Counter
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.projects.demo import COUNTIES
from apps.projects.models import AnnualPlan, Category, Level, Project, Stage
from apps.regions.models import Region, RegionLevel
from apps.statistics.models import ProvinceListTotal, RegionStat, RegionTarget, StatisticsSettings

from .models import MonthlyReport, PeriodStatus, ReportingPeriod, ReportStatus
from .services import completed_investment_refresh

DEFAULT_REPORT_YEARS = 2
DEADLINE_DAY = 25  # of the month after the reported month

# The province's other cities (GB/T 2260), with an annual FAI in 亿元 to scale their figures.
PEER_CITIES = [
    ("610100", "西安市", 6800),
    ("610200", "铜川市", 390),
    ("610400", "咸阳市", 2150),
    ("610500", "渭南市", 1850),
    ("610600", "延安市", 1200),
    ("610700", "汉中市", 1550),
    ("610800", "榆林市", 1750),
    ("610900", "安康市", 1150),
    ("611000", "商洛市", 880),
]
CITY_FAI_YI = 500  # the demo city's FAI in the last report year, at least
# Key projects' annual plans usually make up about half of a city's FAI; keeping that
# proportion makes "经初步梳理，缺口X亿元" (target minus plans) a plausible figure.
FAI_PER_PLANNED = 1.8
COUNTY_SHARE = 0.9  # the counties' part of the city's FAI; the rest is the city's own
# Share of the year's FAI done by the end of each month (January is not published alone).
FAI_CUMULATIVE = {2: 0.085, 3: 0.185, 4: 0.28, 5: 0.38, 6: 0.515, 7: 0.6, 8: 0.685, 9: 0.785, 10: 0.865, 11: 0.935}
# Relative construction activity by month (winter and the Spring Festival are slow).
SEASON = (0.35, 0.45, 0.9, 1.05, 1.15, 1.2, 1.1, 1.1, 1.2, 1.15, 1.05, 1.0)

LAGGING_SHARE = 0.2
MISSING_SHARE = 0.1  # started projects with no report for the last month (未报)
MISSING_SHARE_PRELIMINARY = 0.2

# Physical progress by category and phase (cumulative percent: <20, <40, <60, <80, <100, 100).
PROGRESS = {
    Category.INFRASTRUCTURE: (
        "施工便道及临时设施搭建完成，正在进行场地清表和路基土方施工。",
        "路基土石方工程完成{p}%，桥涵基础施工中。",
        "路基工程基本完成，桥梁上部结构施工中。",
        "路面基层施工中，排水、防护等附属工程同步推进。",
        "路面面层铺筑及交通安全设施施工，进入收尾阶段。",
        "全部工程完工，已通过交工验收。",
    ),
    Category.INDUSTRY: (
        "场地平整完成，主厂房基础施工中。",
        "主厂房钢结构吊装完成{p}%，综合楼主体施工中。",
        "主厂房封顶，设备基础及配套用房施工中。",
        "生产设备陆续进场安装，水、电、气配套工程施工中。",
        "设备安装调试，准备试生产。",
        "项目建成投产。",
    ),
    Category.SOCIAL: (
        "基坑开挖及支护施工中。",
        "主体结构施工中，累计完成{p}%。",
        "主体结构封顶，二次结构及机电安装施工中。",
        "内外装饰装修施工中。",
        "室外配套及设备调试，准备竣工验收。",
        "工程竣工验收，已投入使用。",
    ),
    Category.URBANISATION: (
        "征收清表完成，地下管网施工中。",
        "主体工程施工中，累计完成{p}%。",
        "主体结构完成，配套管网及道路施工中。",
        "外立面及绿化景观施工中。",
        "收尾工程及综合验收准备。",
        "工程竣工，交付使用。",
    ),
    Category.ECOLOGY: (
        "清淤疏浚及土方开挖施工中。",
        "堤防护岸及主体工程完成{p}%。",
        "主体工程基本完成，生态修复及绿化施工中。",
        "附属设施施工，开展调试运行。",
        "收尾工程，准备竣工验收。",
        "项目建成，投入运行。",
    ),
}
PRELIMINARY_PROGRESS = (
    "可行性研究报告编制完成，正在组织评审。",
    "正在办理用地预审与选址意见书。",
    "环境影响评价报告编制中。",
    "施工图设计及审查中。",
    "正在开展施工招标准备工作。",
)
NEXT_STEPS = (
    "加快主体工程施工，确保完成年度目标。",
    "倒排工期，加大人员和机械投入。",
    "加强质量安全管理，推进后续工序施工。",
    "做好竣工验收准备工作。",
)
NOTES = "工程质量、安全生产总体受控，未发生安全事故。"
# (problem, next steps); the first five are typical of projects not started on time.
PROBLEMS = (
    ("征地拆迁进度滞后，部分地块尚未交付。", "县区政府加快征地拆迁，倒排工期，尽快交付施工用地。"),
    ("环评批复未取得。", "对接生态环境部门，加快环评报告修改完善，争取尽快取得批复。"),
    ("资金到位不足，影响施工进度。", "积极争取专项债券和银行贷款，加快资金拨付。"),
    ("用地手续未办结，用地指标不足。", "协调自然资源和规划部门，加快用地报批。"),
    ("施工许可尚未办理。", "加快施工图审查，尽快办理施工许可。"),
    ("管线迁改协调难度大。", "协调供电、通信等产权单位，加快管线迁改。"),
    ("原材料价格上涨，施工单位资金压力较大。", "督促建设单位按合同及时拨付进度款。"),
    ("设计变更审批周期较长。", "加快设计变更审查，边审批边组织施工。"),
    ("林地使用手续未办结。", "对接林业部门，加快使用林地审核。"),
)
WINTER_PROBLEM = ("冬季低温影响施工，部分工序暂停。", "合理安排冬季施工，做好春季复工准备。")
RETURN_REASONS = (
    "本月完成投资与形象进度不匹配，请核实后重新报送。",
    "存在问题未填写具体内容，请补充。",
    "累计完成比例有误，请核实。",
)


@dataclasses.dataclass
class ReportingSummary:
    first_year: int
    last_year: int
    last_month: int
    reports: int = 0
    by_status: dict = dataclasses.field(default_factory=dict)
    due_last_month: int = 0  # projects that report in the last month (reporting_due_q)
    missing_last_month: int = 0  # of which without any report (未报 also counts drafts)
    periods: int = 0
    open_deadline: datetime.date | None = None
    peer_cities: int = 0
    region_stats: int = 0
    targets: int = 0
    province_lists: int = 0
    statistics_candidates: int = 0  # started, ≥ threshold, not in the statistics (应统未统)


def generate_reporting(*, seed: int, today: datetime.date, report_years: int, chunk: int = 2000) -> ReportingSummary:
    """Write reports, periods and statistics for the projects in the database. Call inside
    the demo's transaction, after projects, plans and users exist."""
    last_year, last_month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    summary = ReportingSummary(first_year=last_year - report_years + 1, last_year=last_year, last_month=last_month)
    _Reports(seed=seed, today=today, summary=summary, chunk=chunk).run()
    completed_investment_refresh()  # the rows went in by COPY, past the services
    _periods(summary, today)
    _statistics(seed, summary)
    return summary


# --- writing rows fast ------------------------------------------------------------------------


class _RowWriter:
    """Inserts rows of database-ready values into a model's table: COPY on PostgreSQL,
    executemany elsewhere. Fields not named get their default (auto_now: now)."""

    def __init__(self, model, attnames: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.fields = [fields[name] for name in attnames]
        extras = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in attnames]
        now = timezone.now()
        values = []
        for f in extras:
            if f.has_default():
                value = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.null:
                value = None
            else:  # pragma: no cover - a new required column the demo does not know
                raise RuntimeError(f"demo: no value for {model.__name__}.{f.attname}")
            values.append(f.get_db_prep_save(value, connection))
        self.extra = tuple(values)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in [*self.fields, *extras])
        table = quote(model._meta.db_table)
        if connection.vendor == "postgresql":
            self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            self.insert_sql = None
        else:
            self.copy_sql = None
            placeholders = ", ".join(["%s"] * (len(self.fields) + len(extras)))
            # Demo loader: table and columns from model metadata, values bound.
            self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def adapt(self, attname: str, value):
        field = next(f for f in self.fields if f.attname == attname)
        return field.get_db_prep_save(value, connection)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        extra = self.extra
        with connection.cursor() as cursor:
            if self.copy_sql:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row + extra)
            else:
                cursor.executemany(self.insert_sql, [row + extra for row in rows] if extra else rows)

    def write_objects(self, rows: list[tuple]) -> None:
        """Rows of Python values, adapted field by field (for small tables)."""
        self.write(
            [tuple(f.get_db_prep_save(v, connection) for f, v in zip(self.fields, row, strict=True)) for row in rows]
        )


def _k(year: int, month: int) -> int:
    """A month as a running index (year * 12 + month - 1)."""
    return year * 12 + month - 1


def _ym(k: int) -> tuple[int, int]:
    return k // 12, k % 12 + 1


def _month_end(k: int) -> datetime.date:
    year, month = _ym(k)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _wan(cents: int) -> str:
    """Cents of 万元 as a decimal string (what the databases parse for a numeric column)."""
    return f"{cents // 100}.{cents % 100:02d}"


# --- monthly reports --------------------------------------------------------------------------

REPORT_COLUMNS = [
    "project_id",
    "year",
    "month",
    "completed_investment",
    "physical_progress",
    "percent_complete",
    "actual_start_date",
    "problems",
    "next_steps",
    "notes",
    "status",
    "submitted_by_id",
    "submitted_at",
    "verified_by_id",
    "verified_at",
    "returned_reason",
    "version",
    "created_at",
    "updated_at",
]


class _Reports:
    def __init__(self, *, seed, today, summary: ReportingSummary, chunk: int):
        self.rng = random.Random(f"{seed}:reports")
        self.today = today
        self.summary = summary
        self.chunk = max(1, chunk)
        self.first_k = _k(summary.first_year, 1)
        self.last_k = _k(summary.last_year, summary.last_month)
        self.writer = _RowWriter(MonthlyReport, REPORT_COLUMNS)
        self.tz = timezone.get_current_timezone()
        self._datetimes: dict = {}
        self.status_counts = Counter()
        admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
        self.verifier_id = admin.pk if admin else None
        owner = User.objects.filter(role=Role.OWNER_REPORTER, organisation__isnull=False).order_by("pk").first()
        self.owner_reporter = (owner.organisation_id, owner.pk) if owner else (None, None)
        self.month_end_ordinal = {k: _month_end(k).toordinal() for k in range(self.first_k, self.last_k + 1)}

    def run(self):
        if self.first_k > self.last_k:
            return
        sqlite = connection.vendor == "sqlite"
        if sqlite:  # a bigger page cache keeps the report indexes in memory while inserting
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                cache_size = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size = -400000")
        try:
            last_pk = 0
            while True:
                projects = list(
                    Project.objects.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .values_list(
                        "pk",
                        "category",
                        "stage",
                        "total_investment",
                        "planned_start_date",
                        "planned_end_date",
                        "actual_start_date",
                        "actual_end_date",
                        "owner_unit_id",
                    )[: self.chunk]
                )
                if not projects:
                    break
                last_pk = projects[-1][0]
                plans: dict[int, dict[int, int]] = {}
                for project_id, year, amount in AnnualPlan.objects.filter(
                    project_id__gte=projects[0][0], project_id__lte=last_pk
                ).values_list("project_id", "year", "planned_investment"):
                    plans.setdefault(project_id, {})[year] = int(amount * 100)
                rows: list[tuple] = []
                for project in projects:
                    self._project(project, plans.get(project[0], {}), rows)
                self.writer.write(rows)
                self.summary.reports += len(rows)
        finally:
            if sqlite:
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        self.summary.by_status = {str(label): self.status_counts[value] for value, label in ReportStatus.choices}

    # timestamps ---------------------------------------------------------------------------

    def _at(self, k: int, day: int, hour: int, minute: int = 0):
        """A database-ready aware datetime in month `k`, cached (a few hundred distinct values)."""
        key = (k, day, hour, minute)
        value = self._datetimes.get(key)
        if value is None:
            year, month = _ym(k)
            moment = datetime.datetime(year, month, day, hour, minute, tzinfo=self.tz)
            value = self._datetimes[key] = self.writer.adapt("submitted_at", moment)
        return value

    def _submission_window(self, k: int) -> tuple[int, int, int]:
        """(month index, first day, last day) in which the report of month `k` was submitted:
        the month after, up to the deadline; for the last month, up to yesterday."""
        if k < self.last_k:
            return k + 1, 1, DEADLINE_DAY - 1
        if self.today.day > 2:
            return k + 1, 1, min(DEADLINE_DAY, self.today.day - 1)
        return k, 21, 28  # the first days of a month: reports sent at the end of the last one

    # one project ----------------------------------------------------------------------------

    def _project(self, project, plans: dict[int, int], rows: list) -> None:
        pk, category, stage, total, planned_start, planned_end, actual_start, actual_end, owner_id = project
        first_k, last_k = self.first_k, self.last_k
        submitter = self.owner_reporter[1] if owner_id == self.owner_reporter[0] else None
        if actual_start is None or _k(actual_start.year, actual_start.month) > last_k:
            due = stage == Stage.UNDER_CONSTRUCTION or (
                stage == Stage.PRELIMINARY and planned_start is not None and planned_start <= _month_end(last_k)
            )
            if due:
                start_k = _k(planned_start.year, planned_start.month) if planned_start else last_k
                self._preliminary(pk, max(first_k, min(start_k, last_k)), submitter, rows)
            return
        start_k = max(first_k, _k(actual_start.year, actual_start.month))
        end_k = min(last_k, _k(actual_end.year, actual_end.month)) if actual_end else last_k
        if start_k > end_k:
            return
        rng = self.rng
        # what the reports may add up to: a little under the total (the rest is settled at
        # the final account, and a sum never reaches the total through rounding)
        limit = int(total * 100) * 97 // 100
        lagging = rng.random() < LAGGING_SHARE
        pace = 0.45 + 0.35 * rng.random() if lagging else 0.95 + 0.25 * rng.random()
        problem = PROBLEMS[rng.randrange(len(PROBLEMS))]
        texts = PROGRESS[category]
        start_ordinal = actual_start.toordinal()
        finish = actual_end or max(planned_end or self.today, self.today + datetime.timedelta(days=30))
        duration = max(60, finish.toordinal() - start_ordinal)
        years_est = max(1, finish.year - actual_start.year + 1)
        # investment before the first report month, so later months leave room under the total
        before = self.month_end_ordinal[first_k] - 31 - start_ordinal
        cumulative = int(limit * min(0.85, before / duration * pace * 0.9)) if before > 0 else 0
        start_date = self.writer.adapt("actual_start_date", actual_start)
        completion_k = _k(actual_end.year, actual_end.month) if actual_end else None
        verifier = self.verifier_id
        amounts: dict[int, float] = {}  # year -> planned amount per unit of season weight
        for k in range(start_k, end_k + 1):
            year, month = _ym(k)
            per_weight = amounts.get(year)
            if per_weight is None:
                planned = plans.get(year)
                if planned is None:
                    planned = limit * (0.7 + 0.6 * rng.random()) / years_est
                first_m = actual_start.month if actual_start.year == year else 1
                last_m = actual_end.month if actual_end and actual_end.year == year else 12
                weights = sum(SEASON[first_m - 1 : last_m]) or 1.0
                per_weight = amounts[year] = planned * pace / weights
            amount = int(per_weight * SEASON[month - 1] * (0.6 + 0.8 * rng.random()))
            if lagging and rng.random() < 0.12:
                amount = 0
            elif amount > 1_000_000:  # above 1 万元: whole 万元 mostly
                amount -= amount % (100 if amount % 7 else 10)
            amount = max(0, min(amount, limit - cumulative))
            cumulative += amount
            if k == completion_k:
                percent = 100
            else:
                share = (self.month_end_ordinal[k] - start_ordinal) / duration
                percent = min(99, max(1, int(share * (pace if not actual_end else 1.0) * 100)))
            phase = 5 if percent == 100 else percent // 20
            text = texts[phase]
            if "{p}" in text:
                text = text.replace("{p}", str(percent))
            problems = next_steps = ""
            chance = rng.random()
            if percent < 100 and (chance < 0.55 if lagging else chance < 0.03):
                problems, next_steps = problem if lagging else PROBLEMS[int(chance * 300) % len(PROBLEMS)]
            elif month in (12, 1, 2) and chance > 0.93 and category in (Category.INFRASTRUCTURE, Category.ECOLOGY):
                problems, next_steps = WINTER_PROBLEM
            elif chance > 0.5:
                next_steps = NEXT_STEPS[min(3, phase)]
            self._row(
                rows,
                pk,
                k,
                _wan(amount),
                text,
                percent,
                start_date,
                problems,
                next_steps,
                NOTES if k % 3 == 0 else "",
                submitter,
                verifier,
                MISSING_SHARE,
            )

    def _preliminary(self, pk: int, start_k: int, submitter, rows: list) -> None:
        """A project due to report that has not started: no investment, its preliminary work
        and (mostly) what holds it up."""
        rng = self.rng
        problem = PROBLEMS[rng.randrange(5)]
        for k in range(start_k, self.last_k + 1):
            problems, next_steps = problem if rng.random() < 0.8 else ("", "")
            text = PRELIMINARY_PROGRESS[(pk + k) % len(PRELIMINARY_PROGRESS)]
            self._row(
                rows,
                pk,
                k,
                "0.00",
                text,
                None,
                None,
                problems,
                next_steps,
                "",
                submitter,
                self.verifier_id,
                MISSING_SHARE_PRELIMINARY,
            )

    def _row(
        self, rows, pk, k, amount, text, percent, start_date, problems, next_steps, notes, submitter, verifier, missing
    ):
        """Append one report row; in the last month a share `missing` of projects has none (未报)."""
        rng = self.rng
        year, month = _ym(k)
        window_k, first_day, last_day = self._submission_window(k)
        r = rng.random()
        day = first_day + int(r * (last_day - first_day + 1))
        hour = 8 + int(r * 9973) % 10
        submitted_at = self._at(window_k, day, hour)
        status = ReportStatus.VERIFIED
        reason = ""
        if k == self.last_k:
            self.summary.due_last_month += 1
            draw = rng.random()
            if draw < missing:
                self.summary.missing_last_month += 1
                return
            draw = (draw - missing) / (1 - missing)
            if draw < 0.08:
                status = ReportStatus.DRAFT
            elif draw < 0.12:
                status = ReportStatus.RETURNED
                reason = RETURN_REASONS[pk % len(RETURN_REASONS)]
            elif draw < 0.72:
                status = ReportStatus.SUBMITTED
        self.status_counts[status] += 1
        head = (pk, year, month, amount, text, percent, start_date, problems, next_steps, notes, status)
        if status == ReportStatus.VERIFIED:
            verified_at = self._at(window_k, min(last_day, day + 1 + pk % 3), 17, 30)
            tail = (submitter, submitted_at, verifier, verified_at, "", 3, submitted_at, verified_at)
        elif status == ReportStatus.DRAFT:
            tail = (None, None, None, None, "", 1, submitted_at, submitted_at)
        else:  # submitted, or submitted and returned
            version = 3 if status == ReportStatus.RETURNED else 2
            tail = (submitter, submitted_at, None, None, reason, version, submitted_at, submitted_at)
        rows.append(head + tail)


# --- reporting periods ------------------------------------------------------------------------


def _periods(summary: ReportingSummary, today: datetime.date) -> None:
    """One period per reported month: closed after its deadline, the last one open."""
    first_k, last_k = _k(summary.first_year, 1), _k(summary.last_year, summary.last_month)
    tz = timezone.get_current_timezone()
    rows = []
    for k in range(first_k, last_k + 1):
        year, month = _ym(k)
        next_year, next_month = _ym(k + 1)
        deadline = datetime.date(next_year, next_month, DEADLINE_DAY)
        opened_at = datetime.datetime(next_year, next_month, 1, 9, tzinfo=tz)
        if k < last_k:
            closed_at = datetime.datetime.combine(deadline + datetime.timedelta(days=3), datetime.time(18), tz)
            rows.append((year, month, deadline, PeriodStatus.CLOSED, opened_at, closed_at))
        else:
            opened_at = min(opened_at, timezone.now())
            rows.append((year, month, deadline, PeriodStatus.OPEN, opened_at, None))
            summary.open_deadline = deadline
    _RowWriter(ReportingPeriod, ["year", "month", "deadline", "status", "opened_at", "closed_at"]).write_objects(rows)
    summary.periods = len(rows)


# --- official statistics ----------------------------------------------------------------------


def _round(value: float, step: int) -> Decimal:
    return Decimal(round(value / step) * step)


def _statistics(seed: int, summary: ReportingSummary) -> None:
    """Peer cities; FAI of the city, its counties and peers; targets; the province's list;
    the settings row."""
    rng = random.Random(f"{seed}:statistics-figures")
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()
    if city is None:  # pragma: no cover - the demo always writes a city
        return
    province = city.parent
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    existing = set(Region.objects.filter(parent=province).values_list("code", flat=True))
    peers = Region.objects.bulk_create(
        [
            Region(code=code, name=name, level=RegionLevel.CITY, parent=province)
            for code, name, _ in PEER_CITIES
            if code not in existing
        ]
    )
    summary.peer_cities = len(peers)
    scale = {code: fai for code, _, fai in PEER_CITIES}

    first, last = summary.first_year, summary.last_year
    years = range(first - 1, last + 1)  # the year before the first: bases only
    planned = AnnualPlan.objects.filter(year=last, project__region__parent=city).aggregate(
        total=Sum("planned_investment")
    )
    city_last = max(CITY_FAI_YI * 10000, FAI_PER_PLANNED * float(planned["total"] or 0))

    def annual_series(last_amount: float, low: float, high: float) -> dict[int, float]:
        """Annual FAI by year, backwards from the last year's amount with a growth per year."""
        series = {last: last_amount}
        for year in range(last, first - 1, -1):
            series[year - 1] = series[year] / (1 + rng.uniform(low, high) / 100)
        return series

    annual = {city.pk: annual_series(city_last, -2, 11)}
    for peer in peers:
        annual[peer.pk] = annual_series(scale[peer.code] * 10000 * rng.uniform(0.95, 1.05), -6, 13)
    # counties: a share of the city that drifts a little every year (growth differs by county)
    county_weights = {code: weight for code, _, _, weight in COUNTIES}
    weights = [rng.uniform(0.85, 1.15) * county_weights.get(county.code, 5) for county in counties]
    for county in counties:
        annual[county.pk] = {}
    for year in years:
        total = sum(weights)
        for county, weight in zip(counties, weights, strict=True):
            annual[county.pk][year] = annual[city.pk][year] * COUNTY_SHARE * weight / total
        weights = [weight * rng.uniform(0.94, 1.06) for weight in weights]

    def cumulative(region_id: int, year: int) -> dict[int, float]:
        """Year-to-date FAI for months 2..12, increasing, December the annual figure."""
        values, previous = {}, 0.0
        for month in range(2, 13):
            share = 1.0 if month == 12 else FAI_CUMULATIVE[month] * rng.uniform(0.97, 1.03)
            previous = values[month] = max(previous * 1.01, annual[region_id][year] * share)
        return values

    by_region = {region_id: {year: cumulative(region_id, year) for year in years} for region_id in annual}
    no_base = counties[-1].pk if counties else None  # one county has no comparable base this year
    stats = []
    for region_id, by_year in by_region.items():
        step = 100 if region_id != city.pk else 1000
        for year in range(first, last + 1):
            for month in range(2, 13 if year < last else summary.last_month + 1):
                base = None
                if not (region_id == no_base and year == last):
                    base = _round(by_year[year - 1][month] * rng.uniform(0.97, 1.01), step)
                stats.append(
                    RegionStat(
                        region_id=region_id,
                        year=year,
                        month=month,
                        fai_ytd=_round(by_year[year][month], step),
                        comparable_base=base,
                    )
                )
    RegionStat.objects.bulk_create(stats, batch_size=1000)
    summary.region_stats = len(stats)

    targets = []
    for region in [city, *counties]:
        for year in range(first, last + 1):
            growth = round(rng.uniform(5.5, 10.0), 1)
            amount = annual[region.pk][year - 1] * (1 + growth / 100)
            targets.append(
                RegionTarget(
                    region=region,
                    year=year,
                    growth_pct=Decimal(str(growth)),
                    amount=_round(amount, 10000 if region == city else 1000),
                )
            )
    RegionTarget.objects.bulk_create(targets)
    summary.targets = len(targets)

    # the province's list: ten cities' worth of provincial projects, 600 at least
    provincial = Project.objects.filter(level=Level.PROVINCIAL).count()
    lists = []
    for year in range(first, last + 1):
        count = max(600, -(-provincial * 10 // 100) * 100) + 20 * (year - first)
        lists.append(
            ProvinceListTotal(
                province=province, year=year, project_count=count, total_investment=_round(count * 265000, 10000)
            )
        )
    ProvinceListTotal.objects.bulk_create(lists)
    summary.province_lists = len(lists)

    # 应统未统 at the end of the last month, as the indicators count them
    settings = StatisticsSettings.current()
    summary.statistics_candidates = (
        Project.objects.filter(
            actual_start_date__lte=_month_end(_k(last, summary.last_month)),
            total_investment__gte=settings.statistics_threshold,
            in_statistics=False,
        )
        .filter(Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=datetime.date(last, 1, 1)))
        .count()
    )
