"""Writes of the monthly reporting cycle (月报): periods, reports, verification,
revisions of locked reports, reminders.

Each function is keyword-only and runs in one transaction; it checks the actor's scope,
validates the whole object before saving and writes its change record (reports and
revisions carry their project's id, so they show in the project's history).

Decisions where the rules are silent:
- At most one period is open at a time; a closed period is not reopened.
- Reports are created, edited, submitted and returned only while their period is open;
  verification and revisions (request, approve, reject) are allowed after it closes.
- A submitted report may still be edited by its reporters until it is verified (it stays
  submitted); submitting an already submitted report, verifying an already verified one
  and closing a closed period change nothing and write nothing.
- Rejecting a revision, like returning a report, needs a reason.
"""

import contextlib
import contextvars
import datetime
import functools
import json
from collections import Counter
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Case, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import ConcurrentEditError
from apps.core.querysets import pk_in
from apps.projects.models import Project
from apps.projects.services import project_record_start

from . import selectors
from .models import (
    COUNTED_REPORT_STATUSES,
    MONTH_COLUMNS,
    VERIFIED_MONTH_COLUMNS,
    CompletedInvestmentYear,
    MonthlyReport,
    PeriodStatus,
    Reminder,
    ReportingPeriod,
    ReportRevision,
    ReportStatus,
    RevisionStatus,
    report_verifiers_q,
)


class ReportFields(TypedDict, total=False):
    completed_investment: Decimal
    funds_arrived: Decimal | None
    physical_progress: str
    percent_complete: Decimal | None
    actual_start_date: datetime.date | None
    problems: str
    next_steps: str
    notes: str


# The figures a reporter types; everything else on a report is workflow state.
REPORT_FIELDS = tuple(ReportFields.__annotations__)
# Roles whose project change scope (project_scope_q) lets them fill reports: the owner
# unit's reporter, and county users and the city administrator on its behalf.
REPORTER_ROLES = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER})
PERIOD_MANAGERS = frozenset({Role.CITY_ADMIN})
REMINDER_SENDERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER})
YEARS = range(2000, 2101)


# --- completed investment by project, year and month ------------------------------


COMPLETED_COLUMNS = ("first_month", *MONTH_COLUMNS, "verified_first_month", *VERIFIED_MONTH_COLUMNS, "unverified_mask")


def month_bit():
    """2 ** (month − 1) as an SQL expression (both SQLite and PostgreSQL lack a portable
    power of integers): a CASE over the twelve months."""
    return Case(*(When(month=month, then=Value(1 << (month - 1))) for month in range(1, 13)), default=Value(0))


@transaction.atomic
def completed_investment_refresh(*, project_ids=None, year: int | None = None) -> None:
    """Rebuild CompletedInvestmentYear from the counted reports of `project_ids` (every
    project when None), of `year` only when given. The reporting services call it for the
    report they change; bulk writers (imports, the demo) call it once for all they wrote.

    One DELETE and one INSERT ... SELECT grouped in the database, so refreshing every
    project of a province-scale set takes seconds, not a row per Python object. The two
    statements are compiled once per process and shape (projects given or not, year given or
    not): building the grouped query through the ORM cost more than running it (bench/README.md
    "Month-end load test").
    """
    statements = _refresh_statements(project_ids is not None, year is not None)
    with connection.cursor() as cursor:
        for sql, params, ids_at, year_at in statements:
            params = list(params)
            if ids_at is not None:
                ids = [int(pk) for pk in project_ids]
                # one bound parameter (apps.core.querysets.pk_in): an array, or JSON on SQLite
                params[ids_at] = json.dumps(ids) if isinstance(params[ids_at], str) else ids
            if year_at is not None:
                params[year_at] = year
            cursor.execute(sql, params)


#: Stand-ins compiled into the cached statements, then replaced by position (no other
#: parameter of these statements can take these values).
_IDS_MARK, _YEAR_MARK = [-(2**62) + 7], 32_761


@functools.cache
def _refresh_statements(by_projects: bool, by_year: bool) -> tuple:
    reports = MonthlyReport.objects.filter(status__in=COUNTED_REPORT_STATUSES).order_by()
    totals = CompletedInvestmentYear.objects.all()
    if by_projects:
        in_projects = Q(project__in=Project.objects.filter(pk_in(_IDS_MARK)).values("pk"))
        reports, totals = reports.filter(in_projects), totals.filter(in_projects)
    if by_year:
        reports, totals = reports.filter(year=_YEAR_MARK), totals.filter(year=_YEAR_MARK)
    verified = Q(status=ReportStatus.VERIFIED)
    grouped = (
        reports.annotate(month_bit=month_bit())
        .values("project_id", "year")
        .annotate(
            first_month=Min("month"),
            **{
                column: Coalesce(Sum("completed_investment", filter=Q(month=month)), Value(Decimal(0)))
                for month, column in enumerate(MONTH_COLUMNS, start=1)
            },
            verified_first_month=Min("month", filter=verified),
            **{
                column: Coalesce(Sum("completed_investment", filter=Q(month=month) & verified), Value(Decimal(0)))
                for month, column in enumerate(VERIFIED_MONTH_COLUMNS, start=1)
            },
            # One report per project and month: the bits of the months still only submitted.
            unverified_mask=Coalesce(Sum("month_bit", filter=~verified), Value(0)),
        )
        .values_list("project_id", "year", *COMPLETED_COLUMNS)
    )
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(CompletedInvestmentYear._meta.get_field(name).column) for name in ("project", "year", *COMPLETED_COLUMNS)
    )
    delete_sql, delete_params = _delete_sql(totals)
    select_sql, select_params = grouped.query.sql_with_params()
    # Django has no INSERT ... SELECT; the SELECT is the ORM's, in the column order above.
    insert_sql = f"INSERT INTO {quote(CompletedInvestmentYear._meta.db_table)} ({columns}) {select_sql}"
    return tuple(
        (sql, tuple(params), _position(params, _IDS_MARK, json.dumps(_IDS_MARK)), _position(params, _YEAR_MARK))
        for sql, params in ((delete_sql, delete_params), (insert_sql, select_params))
    )


def _delete_sql(queryset) -> tuple[str, tuple]:
    from django.db.models.sql.subqueries import DeleteQuery

    query = queryset.query.chain(DeleteQuery)
    return query.get_compiler(connection=connection).as_sql()


def _position(params, *marks) -> int | None:
    found = [at for at, value in enumerate(params) if any(value == mark for mark in marks)]
    if len(found) > 1:  # pragma: no cover - a stand-in value that a statement also uses
        raise RuntimeError("completed_investment_refresh: ambiguous statement parameters")
    return found[0] if found else None


#: (project id, year) pairs whose totals wait for the end of `completed_investment_deferred`.
_deferred: contextvars.ContextVar[set | None] = contextvars.ContextVar("completed_investment_deferred", default=None)


@contextlib.contextmanager
def completed_investment_deferred():
    """Within it, saved reports refresh their project's totals once, at the end, instead of
    at each save (a fill-and-submit saves the report twice). Use inside the transaction that
    saves them, so the totals still change with the reports or not at all."""
    if _deferred.get() is not None:  # already deferred by an outer call
        yield
        return
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for year in sorted({year for _pk, year in pending}):
        completed_investment_refresh(project_ids=sorted(pk for pk, y in pending if y == year), year=year)


def report_saved(*, instance: MonthlyReport, raw: bool = False, **kwargs) -> None:
    """post_save of MonthlyReport (apps.py): the project's completed investment of the
    report's year follows the report. A report's project and period never change, and
    reports are deleted only with their project (whose rows cascade), so saves are all
    there is to follow; bulk writes (bulk_create, update(), COPY) call
    completed_investment_refresh themselves."""
    if raw:  # loaddata: the fixture brings its own rows
        return
    pending = _deferred.get()
    if pending is not None:
        pending.add((instance.project_id, instance.year))
        return
    completed_investment_refresh(project_ids=[instance.project_id], year=instance.year)


# --- periods --------------------------------------------------------------------


def _check_period_manager(actor: User) -> None:
    if actor.role not in PERIOD_MANAGERS:
        raise PermissionDenied(_("只有市发改委管理员可以开启或关闭填报期。"))


@transaction.atomic
def period_open(*, actor: User, year: int, month: int, deadline: datetime.date | None = None) -> ReportingPeriod:
    """Open the month for reporting. The deadline defaults to the StatisticsSettings
    report deadline day of the same month."""
    from apps.statistics.models import StatisticsSettings

    _check_period_manager(actor)
    if year not in YEARS:
        raise ValidationError({"year": _("年度应在 2000 到 2100 之间。")})
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份应在 1 到 12 之间。")})
    if deadline is None:
        deadline = datetime.date(year, month, StatisticsSettings.current().report_deadline_day)
    existing = ReportingPeriod.objects.select_for_update().filter(year=year, month=month).first()
    if existing is not None:
        raise ValidationError({"month": _("%(period)s填报期已存在。") % {"period": existing}})
    already_open = ReportingPeriod.objects.select_for_update().filter(status=PeriodStatus.OPEN).first()
    if already_open is not None:
        raise ValidationError(
            {"__all__": _("%(period)s填报期尚未关闭，请先关闭后再开启新的填报期。") % {"period": already_open}}
        )
    period = ReportingPeriod(year=year, month=month, deadline=deadline, status=PeriodStatus.OPEN)
    period.full_clean()
    period.save()
    change_record_write(actor=actor, action=ChangeAction.CREATE, instance=period, before=None, after=snapshot(period))
    return period


@transaction.atomic
def period_close(*, actor: User, period_id: int) -> ReportingPeriod:
    _check_period_manager(actor)
    period = ReportingPeriod.objects.restrict(actor, "change").select_for_update().filter(pk=period_id).first()
    if period is None:
        raise PermissionDenied(_("您无权管理该填报期。"))
    if period.status == PeriodStatus.CLOSED:
        return period
    before = snapshot(period)
    period.status = PeriodStatus.CLOSED
    period.closed_at = timezone.now()
    period.full_clean()
    period.save()
    change_record_write(actor=actor, action=ChangeAction.UPDATE, instance=period, before=before, after=snapshot(period))
    return period


def _require_open_period(*, year: int, month: int) -> ReportingPeriod:
    """The open period of the month, locked so that closing it waits for this write."""
    period = (
        ReportingPeriod.objects.select_for_update().filter(year=year, month=month, status=PeriodStatus.OPEN).first()
    )
    if period is None:
        raise ValidationError(
            {"__all__": _("%(year)s年%(month)s月填报期未开启或已关闭，不能填报。") % {"year": year, "month": month}}
        )
    return period


# --- reports --------------------------------------------------------------------


def _lock_report(*, actor: User, report_id: int, action: str) -> MonthlyReport:
    report = (
        MonthlyReport.objects.restrict(actor, action)
        .select_for_update(of=("self",))
        .select_related("project", "project__region")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        if action == "verify":
            raise PermissionDenied(_("您无权审核该月报。"))
        raise PermissionDenied(_("您无权修改该月报。"))
    return report


def _check_version(report: MonthlyReport, expected_version: int | None) -> None:
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentEditError(current=report.version, expected=expected_version)


def _check_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - set(REPORT_FIELDS))
    if unknown:
        raise ValidationError({name: _("不支持修改该字段。") for name in unknown})


def _apply(report: MonthlyReport, fields: dict) -> None:
    _check_fields(fields)
    for name, value in fields.items():
        if name in ("physical_progress", "problems", "next_steps", "notes") and value is None:
            value = ""
        setattr(report, name, value)


def _record(*, actor, action, instance, before, project_id):
    return change_record_write(
        actor=actor, action=action, instance=instance, before=before, after=snapshot(instance), project_id=project_id
    )


@transaction.atomic
def report_create(*, actor: User, project_id: int, year: int, month: int, fields: ReportFields) -> MonthlyReport:
    """A draft report of the project for an open period; one per project and month."""
    project = Project.objects.restrict(actor, "change").filter(pk=project_id).first()
    if project is None:
        raise PermissionDenied(_("您无权填报该项目的月报。"))
    _require_open_period(year=year, month=month)
    if MonthlyReport.objects.filter(project=project, year=year, month=month).exists():
        raise ValidationError(
            {"__all__": _("该项目%(year)s年%(month)s月的月报已存在。") % {"year": year, "month": month}}
        )
    report = MonthlyReport(project=project, year=year, month=month, status=ReportStatus.DRAFT)
    _apply(report, fields)
    report.full_clean()
    report.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=report, before=None, project_id=project.pk)
    return report


@transaction.atomic
def report_update(*, actor: User, report_id: int, expected_version: int, fields: ReportFields) -> MonthlyReport:
    """Change a report's figures. Verified reports are locked (use a revision);
    a stale `expected_version` raises ConcurrentEditError; no change writes nothing."""
    report = _lock_report(actor=actor, report_id=report_id, action="change")
    _check_version(report, expected_version)
    if report.is_locked:
        raise ValidationError({"__all__": _("已审核的月报已锁定，不能直接修改；如需修改请提交修改申请。")})
    _require_open_period(year=report.year, month=report.month)
    before = snapshot(report)
    _apply(report, fields)
    if snapshot(report) == before:
        return report
    report.full_clean()
    report.version += 1
    report.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=report, before=before, project_id=report.project_id)
    return report


@transaction.atomic
def report_submit(*, actor: User, report_id: int, expected_version: int | None = None) -> MonthlyReport:
    """报送. Submitting an already submitted report changes nothing; the project's
    verifiers get a reminder when a report becomes submitted."""
    report = _lock_report(actor=actor, report_id=report_id, action="change")
    _check_version(report, expected_version)
    if report.status == ReportStatus.SUBMITTED:
        return report
    if report.status == ReportStatus.VERIFIED:
        raise ValidationError({"__all__": _("该月报已审核，无需再次报送。")})
    _require_open_period(year=report.year, month=report.month)
    before = snapshot(report)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.returned_reason = ""
    report.full_clean()
    report.version += 1
    report.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=report, before=before, project_id=report.project_id)
    _remind_verifiers(
        report=report,
        exclude=actor,
        message=_("%(project)s %(year)s年%(month)s月月报已报送，待审核。")
        % {"project": report.project.name, "year": report.year, "month": report.month},
    )
    return report


@transaction.atomic
@transaction.atomic  # saved and submitted together, or neither
def report_fill(
    *,
    actor: User,
    project_id: int,
    year: int,
    month: int,
    fields: ReportFields,
    expected_version: int | None = None,
    submit: bool = False,
) -> MonthlyReport:
    """The fill form's save: create or update the month's report, and submit it when asked.
    Posting the same submitted content again writes nothing."""
    existing = MonthlyReport.objects.restrict(actor, "change").filter(project_id=project_id, year=year, month=month)
    report = existing.first()
    with completed_investment_deferred():  # saved and submitted: the totals refreshed once
        if report is None:
            report = report_create(actor=actor, project_id=project_id, year=year, month=month, fields=fields)
        else:
            if expected_version is None:  # without the loaded version the last writer would win
                raise ValidationError({"version": _("修改时必须提交编辑时加载的版本号。")})
            report = report_update(actor=actor, report_id=report.pk, expected_version=expected_version, fields=fields)
        if submit:
            report = report_submit(actor=actor, report_id=report.pk)
    return report


def _sync_project_start(*, actor: User, report: MonthlyReport) -> None:
    """A verified report's actual start date starts the project when it has none yet."""
    if not report.actual_start_date:
        return
    try:
        project_record_start(actor=actor, project_id=report.project_id, start_date=report.actual_start_date)
    except ValidationError as error:
        details = "；".join(str(m) for messages in error.message_dict.values() for m in messages)
        raise ValidationError(
            {"__all__": _("无法同步项目开工信息：%(details)s请先完善项目信息。") % {"details": details}}
        ) from error


@transaction.atomic
def report_verify(*, actor: User, report_id: int, expected_version: int | None = None) -> MonthlyReport:
    """审核通过: the report becomes verified and locked. Verifying a verified report changes nothing."""
    report = _lock_report(actor=actor, report_id=report_id, action="verify")
    _check_version(report, expected_version)
    if report.status == ReportStatus.VERIFIED:
        return report
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"__all__": _("只有已报送的月报可以审核。")})
    before = snapshot(report)
    report.status = ReportStatus.VERIFIED
    report.verified_by = actor
    report.verified_at = timezone.now()
    report.full_clean()
    report.version += 1
    report.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=report, before=before, project_id=report.project_id)
    _sync_project_start(actor=actor, report=report)
    _remind_owner(
        report=report,
        actor=actor,
        message=_("%(project)s %(year)s年%(month)s月月报已审核通过。")
        % {"project": report.project.name, "year": report.year, "month": report.month},
    )
    return report


@transaction.atomic
def report_verify_many(*, actor: User, versions: dict[int, int]) -> tuple[list[MonthlyReport], list[tuple[int, str]]]:
    """审核通过 for many reports at once (the review queue's selection, report id → the version the
    reviewer loaded). A report changed since then is never verified: any stale one refuses the
    whole selection (ValidationError naming them), nothing written. Otherwise each is verified as
    by report_verify (its own change record and reminder) in its own savepoint, so one that can no
    longer be verified (not the actor's) is listed with the reason and does not stop the others.
    Returns (verified, [(report id, reason)])."""
    stale = (
        MonthlyReport.objects.restrict(actor, "verify")
        .select_for_update(of=("self",))
        .select_related("project")
        .filter(pk_in(list(versions)))
        .order_by("pk")
    )
    stale = [report for report in stale if report.version != versions[report.pk]]
    if stale:
        names = "、".join(f"{report.project.name} {report.year}-{report.month:02d}" for report in stale)
        raise ValidationError(
            {
                "version": _("以下月报在您打开审核清单后已被修改，本次未审核任何月报，请刷新后重新核对：%(reports)s")
                % {"reports": names}
            }
        )
    verified, refused = [], []
    with completed_investment_deferred():  # one refresh for the selection, not one per report
        for report_id, version in versions.items():
            try:
                with transaction.atomic():
                    verified.append(report_verify(actor=actor, report_id=report_id, expected_version=version))
            except (ValidationError, PermissionDenied) as error:
                refused.append((report_id, " ".join(getattr(error, "messages", [str(error)]))))
    return verified, refused


@transaction.atomic
def report_return(*, actor: User, report_id: int, reason: str, expected_version: int | None = None) -> MonthlyReport:
    """退回 with a mandatory reason; the reporter edits and submits again."""
    report = _lock_report(actor=actor, report_id=report_id, action="verify")
    _check_version(report, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时必须填写退回原因。")})
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"__all__": _("只有已报送的月报可以退回。")})
    _require_open_period(year=report.year, month=report.month)
    before = snapshot(report)
    report.status = ReportStatus.RETURNED
    report.returned_reason = reason
    report.full_clean()
    report.version += 1
    report.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=report, before=before, project_id=report.project_id)
    _remind_owner(
        report=report,
        actor=actor,
        message=_("%(project)s %(year)s年%(month)s月月报被退回：%(reason)s")
        % {"project": report.project.name, "year": report.year, "month": report.month, "reason": reason},
    )
    return report


# --- revisions -----------------------------------------------------------------


def _report_values(report: MonthlyReport) -> dict:
    """The typed figures as JSON-safe values (money as decimal strings, dates ISO)."""
    values = snapshot(report)
    return {name: values[name] for name in REPORT_FIELDS}


def _from_json(name: str, value):
    return MonthlyReport._meta.get_field(name).to_python(value)


@transaction.atomic
def report_revision_request(*, actor: User, report_id: int, reason: str, proposed: ReportFields) -> ReportRevision:
    """Ask to change a verified report. Anyone who may edit the report may ask;
    the proposed values are validated now and applied only on approval."""
    report = _lock_report(actor=actor, report_id=report_id, action="change")
    if not report.is_locked:
        raise ValidationError({"__all__": _("该月报尚未审核，可直接修改，无需申请。")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写修改理由。")})
    _check_fields(proposed)
    if report.revisions.filter(status=RevisionStatus.PENDING).exists():
        raise ValidationError({"__all__": _("该月报已有待批准的修改申请，请等待处理后再申请。")})
    current = _report_values(report)
    candidate = MonthlyReport.objects.get(pk=report.pk)
    _apply(candidate, proposed)
    candidate.full_clean()
    changed = {name: value for name, value in _report_values(candidate).items() if value != current[name]}
    if not changed:
        raise ValidationError({"__all__": _("拟修改内容与现有内容相同。")})
    revision = ReportRevision(report=report, reason=reason, proposed=changed, requested_by=actor)
    revision.full_clean()
    revision.save()
    _record(actor=actor, action=ChangeAction.CREATE, instance=revision, before=None, project_id=report.project_id)
    _remind_verifiers(
        report=report,
        exclude=actor,
        message=_("%(project)s %(year)s年%(month)s月月报有修改申请，待批准。")
        % {"project": report.project.name, "year": report.year, "month": report.month},
        link=reverse("reporting:revision", args=[revision.pk]),
    )
    return revision


def _lock_revision(*, actor: User, revision_id: int) -> ReportRevision:
    revision = (
        ReportRevision.objects.restrict(actor, "decide")
        .select_for_update(of=("self",))
        .select_related("report", "report__project")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None:
        raise PermissionDenied(_("您无权审批该修改申请。"))
    if revision.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提交的修改申请，须由另一位有审核权限的人员审批。"))
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError({"__all__": _("该修改申请已处理。")})
    return revision


def _decide(*, actor: User, revision: ReportRevision, status: str, note: str) -> None:
    before = snapshot(revision)
    revision.status = status
    revision.decided_by = actor
    revision.decided_at = timezone.now()
    revision.decision_note = note
    revision.full_clean()
    revision.save()
    _record(
        actor=actor,
        action=ChangeAction.UPDATE,
        instance=revision,
        before=before,
        project_id=revision.report.project_id,
    )
    report = revision.report
    _remind(
        users=[revision.requested_by_id],
        message=_("您对%(project)s %(year)s年%(month)s月月报的修改申请%(decision)s。")
        % {
            "project": report.project.name,
            "year": report.year,
            "month": report.month,
            "decision": revision.get_status_display(),
        },
        link=reverse("reporting:revision", args=[revision.pk]),
    )


@transaction.atomic
def report_revision_approve(*, actor: User, revision_id: int, note: str = "") -> ReportRevision:
    """Apply the proposed values to the verified report (it stays verified, its version
    bumps); the revision keeps the values before. The requester cannot approve."""
    revision = _lock_revision(actor=actor, revision_id=revision_id)
    report = _lock_report(actor=actor, report_id=revision.report_id, action="verify")
    before_report = snapshot(report)
    values_before = _report_values(report)
    _apply(report, {name: _from_json(name, value) for name, value in revision.proposed.items()})
    report.full_clean()
    report.version += 1
    report.save()
    _record(
        actor=actor, action=ChangeAction.UPDATE, instance=report, before=before_report, project_id=report.project_id
    )
    _sync_project_start(actor=actor, report=report)
    revision.report = report
    revision.before = values_before
    _decide(actor=actor, revision=revision, status=RevisionStatus.APPROVED, note=(note or "").strip())
    return revision


@transaction.atomic
def report_revision_reject(*, actor: User, revision_id: int, note: str) -> ReportRevision:
    """Refuse the revision (a reason is required); the report is unchanged."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("驳回时必须填写审批意见。")})
    revision = _lock_revision(actor=actor, revision_id=revision_id)
    _decide(actor=actor, revision=revision, status=RevisionStatus.REJECTED, note=note)
    return revision


# --- reminders -----------------------------------------------------------------


def _remind(*, users, message: str, link: str = "") -> int:
    """One unread reminder per user, unless the same message is already waiting unread."""
    users = set(users)
    waiting = set(
        Reminder.objects.filter(user_id__in=users, message=message[:300], read_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    created = Reminder.objects.bulk_create(
        [Reminder(user_id=pk, message=message[:300], link=link) for pk in sorted(users - waiting)]
    )
    return len(created)


def _remind_owner(*, report: MonthlyReport, actor: User, message: str) -> int:
    """Tell the report's owner side (its submitter and the owner unit's reporters) what
    happened to it, linking to the report; the actor is not told about their own act."""
    users = set(
        User.objects.filter(
            role=Role.OWNER_REPORTER, is_active=True, organisation_id=report.project.owner_unit_id
        ).values_list("pk", flat=True)
    )
    if report.submitted_by_id:
        users.add(report.submitted_by_id)
    users.discard(actor.pk)
    return _remind(users=users, message=message, link=reverse("reporting:detail", args=[report.pk]))


def _remind_verifiers(*, report: MonthlyReport, exclude: User, message: str, link: str = "") -> int:
    users = User.objects.filter(report_verifiers_q(report.project)).exclude(pk=exclude.pk).values_list("pk", flat=True)
    return _remind(users=users, message=message, link=link or reverse("reporting:queue"))


def _remind_owner_reporters(*, summary: selectors.Unreported, deadline: datetime.date) -> int:
    per_unit = Counter({row["owner_unit_id"]: row["count"] for row in summary.by_owner_unit})
    reporters = User.objects.filter(
        role=Role.OWNER_REPORTER, is_active=True, organisation_id__in=list(per_unit)
    ).values_list("pk", "organisation_id")
    link = reverse("reporting:mine")
    sent = 0
    for user_id, unit_id in reporters:
        message = _("催报：%(year)s年%(month)s月月报尚有 %(count)s 个项目未报送，请于 %(deadline)s 前报送。") % {
            "year": summary.year,
            "month": summary.month,
            "count": per_unit[unit_id],
            "deadline": deadline.isoformat(),
        }
        sent += _remind(users=[user_id], message=message, link=link)
    return sent


@transaction.atomic
def reminder_send_unreported(*, actor: User) -> int:
    """发送催报提醒: remind the owner reporters of the units with unreported projects in the
    actor's scope for the open period. Returns how many reminders were created."""
    if actor.role not in REMINDER_SENDERS:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以发送催报提醒。"))
    period = selectors.period_open_get(user=actor)
    if period is None:
        raise ValidationError({"__all__": _("当前没有开启的填报期。")})
    summary = selectors.unreported(user=actor, year=period.year, month=period.month)
    return _remind_owner_reporters(summary=summary, deadline=period.deadline)


@transaction.atomic
def reminder_send_unreported_all(*, period: ReportingPeriod) -> tuple[int, int]:
    """The same for the whole registry (the `remind_unreported` command).
    Returns (reminders created, unreported projects)."""
    summary = selectors.unreported_all(year=period.year, month=period.month)
    return _remind_owner_reporters(summary=summary, deadline=period.deadline), summary.total


def reminder_mark_read(*, user: User, reminder_ids=None) -> int:
    """Mark the user's unread reminders (or the given ones of them) read."""
    unread = Reminder.objects.filter(user=user, read_at__isnull=True)
    if reminder_ids is not None:
        unread = unread.filter(pk__in=list(reminder_ids))
    return unread.update(read_at=timezone.now())
