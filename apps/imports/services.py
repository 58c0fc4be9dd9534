"""Import batches: upload and preview, commit (all-or-nothing, one change record per
affected object), undo.

A commit reads the stored file again and prepares it afresh inside its transaction, so
what is written is checked against the data as it is at that moment, not as it was at
preview. Importing the same file twice finds every row unchanged and writes nothing.
"""

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import ChangeAction, ChangeRecord
from apps.audit.services import change_records_write_bulk, snapshot
from apps.core.bulk import bulk_insert, collector_paused
from apps.core.context import current_request_meta, request_context
from apps.core.querysets import pk_in
from apps.projects.models import AnnualPlan, Project
from apps.reporting.models import MonthlyReport, ReportStatus
from apps.reporting.services import REPORT_FIELDS, completed_investment_refresh

from .models import BatchStatus, ImportBatch, ImportKind
from .preparation import ERROR, ImportRefused, Prepared, prepare_import, snapshot_without_m2m
from .reading import FileRefused
from .sandbox import read_isolated

PREVIEW_ROWS = 2000
# What an imported row may set on an existing report: the reporter's figures and the submit step.
REPORT_WRITTEN_FIELDS = [
    *REPORT_FIELDS,
    "status",
    "returned_reason",
    "submitted_by",
    "submitted_at",
    "version",
    "updated_at",
]
Progress = Callable[[int, int], None] | None


def _prepare(batch: ImportBatch, progress: Progress = None) -> Prepared:
    # The batch is loaded without its file (saving it then leaves the file alone); the file
    # is read here and let go once parsed, by a separate process with memory and time
    # limits: a hostile file is refused, not fatal.
    content = ImportBatch.objects.filter(pk=batch.pk).values_list("content", flat=True)[0]
    workbook = read_isolated(content, batch.file_name)
    del content
    batch.file_format, batch.encoding = workbook.file_format, workbook.encoding
    return prepare_import(batch.kind, workbook, actor=batch.user, parameters=batch.parameters, progress=progress)


def _store_outcome(batch: ImportBatch, prepared: Prepared) -> None:
    batch.parameters = {**batch.parameters, **prepared.parameters}
    batch.rows_total = len(prepared.outcomes)
    batch.rows_new = prepared.count("new")
    batch.rows_changed = prepared.count("changed")
    batch.rows_unchanged = prepared.count("unchanged")
    batch.rows_error = prepared.count(ERROR)
    batch.warnings = prepared.warnings[:500]
    batch.reading = prepared.reading.as_json()
    shown = sorted(
        (outcome for outcome in prepared.outcomes if outcome.status != "unchanged"),
        key=lambda outcome: (outcome.status != ERROR, outcome.sheet, outcome.row),
    )
    batch.preview = [outcome.as_json() for outcome in shown[:PREVIEW_ROWS]]


@transaction.atomic
def import_batch_create(
    *, actor: User, kind: str, file_name: str, content: bytes, parameters: dict | None = None
) -> ImportBatch:
    """Store an upload as a pending batch (the preview runs next, see import_batch_preview)."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("不支持的导入类型。")})
    if not content:
        raise ValidationError({"file": _("请选择要导入的文件。")})
    return ImportBatch.objects.create(
        kind=kind,
        user=actor,
        file_name=file_name[:255],
        file_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        parameters={key: value for key, value in (parameters or {}).items() if value not in (None, "")},
        request_id=f"import-{uuid.uuid4().hex}",
    )


def import_batch_preview(*, batch_id: int, progress: Progress = None) -> ImportBatch:
    """Read and check the file; store the per-row outcome. Writes nothing but the batch."""
    batch = ImportBatch.objects.defer("content").get(pk=batch_id)
    try:
        with collector_paused():
            prepared = _prepare(batch, progress)
    except FileRefused as exc:
        # A file that cannot be read safely is not kept: its name, size, SHA-256 and the reason are.
        batch.status, batch.message, batch.content = BatchStatus.INVALID, str(exc), b""
        batch.save()
        return batch
    except ImportRefused as exc:
        batch.status, batch.message = BatchStatus.INVALID, str(exc)
        batch.save()
        return batch
    _store_outcome(batch, prepared)
    if batch.rows_error:
        batch.status = BatchStatus.INVALID
        batch.message = _("有 %(count)d 行错误，请修改文件后重新上传；整个文件都不会导入。") % {
            "count": batch.rows_error
        }
    elif not (batch.rows_new or batch.rows_changed):
        # Nothing to write: the batch ends here (no commit, nothing to undo).
        batch.status = BatchStatus.NO_CHANGE
        batch.message = _("文件与系统中的数据一致，无变化，无需导入。")
    else:
        batch.status, batch.message = BatchStatus.PREVIEWED, ""
    batch.save()
    return batch


def _lock_batch(*, actor: User, batch_id: int) -> ImportBatch:
    batch = (
        ImportBatch.objects.restrict(actor, "change").select_for_update().defer("content").filter(pk=batch_id).first()
    )
    if batch is None:
        raise PermissionDenied(_("您无权操作该导入批次。"))
    return batch


@transaction.atomic
def import_batch_confirm(*, actor: User, batch_id: int) -> ImportBatch:
    """The uploader confirms the values the preview asked to check; the commit then accepts them."""
    batch = _lock_batch(actor=actor, batch_id=batch_id)
    batch.parameters = {**batch.parameters, "confirmed": True}
    batch.save(update_fields=["parameters"])
    return batch


def import_batch_commit(*, actor: User, batch_id: int, progress: Progress = None, confirm: bool = False) -> ImportBatch:
    """Write every row of a previewed batch in one transaction, or nothing. Values the
    preview asked to confirm (an implausible amount) need `confirm`."""
    batch = ImportBatch.objects.restrict(actor, "change").filter(pk=batch_id).first()
    if batch is None:
        raise PermissionDenied(_("您无权操作该导入批次。"))
    try:
        with (
            request_context(request_id=batch.request_id, client_ip=current_request_meta().client_ip),
            collector_paused(),
        ):
            return _commit(actor=actor, batch_id=batch_id, progress=progress, confirm=confirm)
    except (FileRefused, ImportRefused) as exc:
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.INVALID, message=str(exc))
        raise ValidationError({"__all__": str(exc)}) from exc


@transaction.atomic
def _commit(*, actor: User, batch_id: int, progress: Progress, confirm: bool) -> ImportBatch:
    batch = _lock_batch(actor=actor, batch_id=batch_id)
    if batch.status != BatchStatus.PREVIEWED:
        raise ValidationError(
            {
                "__all__": _("只有待确认的批次可以导入（当前状态：%(status)s）。")
                % {"status": batch.get_status_display()}
            }
        )
    prepared = _prepare(batch, progress)
    _store_outcome(batch, prepared)
    if batch.rows_error:
        transaction.set_rollback(True)
        raise ValidationError(
            {
                "__all__": _("数据已变化，现有 %(count)d 行错误，未导入任何数据。请重新预览。")
                % {"count": batch.rows_error}
            }
        )
    if prepared.reading.confirmations and not (confirm or batch.parameters.get("confirmed")):
        transaction.set_rollback(True)
        raise ValidationError(
            {
                "__all__": _("有 %(count)d 处数值需要核对（如单位是否正确），请确认后再导入：%(first)s")
                % {"count": len(prepared.reading.confirmations), "first": prepared.reading.confirmations[0]}
            }
        )
    if not prepared.writes:
        transaction.set_rollback(True)
        raise ValidationError({"__all__": _("文件与系统中的数据一致，无变化，无需导入。")})
    if prepared.kind == ImportKind.PLAN:
        _write_plans(actor=actor, prepared=prepared)
    elif prepared.kind == ImportKind.BONDS:
        from apps.bonds.imports import write_bonds

        write_bonds(actor=actor, prepared=prepared)
    elif prepared.kind == ImportKind.LEADS:
        from apps.attraction.imports import write_leads

        write_leads(actor=actor, prepared=prepared)
    else:
        _write_reports(actor=actor, prepared=prepared)
    batch.status = BatchStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.save()
    return batch


def _write_plans(*, actor: User, prepared: Prepared) -> None:
    created = [write for write in prepared.writes if write.project is not None and write.project_before is None]
    updated = [write for write in prepared.writes if write.project is not None and write.project_before is not None]
    bulk_insert(Project, [write.project for write in created])
    now = timezone.now()
    for write in updated:
        write.project.version += 1
        write.project.updated_at = now
    if updated:
        # The prepared snapshots say what each row changes (partner units go through the M2M table).
        changed = {
            name
            for write in updated
            for name, value in write.project_after.items()
            if name not in ("version", "partner_units") and write.project_before.get(name) != value
        }
        fields = sorted(changed | {"version", "updated_at"})
        Project.objects.bulk_update([write.project for write in updated], fields, batch_size=1000)
    through = Project.partner_units.through
    replaced = [write for write in [*created, *updated] if write.partner_ids is not None]
    if replaced:
        through.objects.filter(
            pk_in([write.project.pk for write in updated if write.partner_ids is not None], "project_id")
        ).delete()
        bulk_insert(
            through,
            [
                through(project_id=write.project.pk, organisation_id=pk)
                for write in replaced
                for pk in write.partner_ids
            ],
        )
    plans_new = [write.plan for write in prepared.writes if write.plan is not None and write.plan.pk is None]
    plans_changed = [write.plan for write in prepared.writes if write.plan is not None and write.plan.pk is not None]
    bulk_insert(AnnualPlan, plans_new)  # takes each new project's id from the plan's cached project
    AnnualPlan.objects.bulk_update(plans_changed, ["planned_investment", "goal"], batch_size=1000)
    # A plan change bumps its project's version too, as the plan services do.
    plan_only = [write.plan.project_id for write in prepared.writes if write.project is None and write.plan is not None]
    if plan_only:
        Project.objects.filter(pk_in(plan_only)).update(version=F("version") + 1, updated_at=now)

    def entries():
        for write in prepared.writes:
            project = write.project
            if project is not None:
                # A new project's snapshot is taken here; a changed one's was needed for the preview's diff.
                after = write.project_after or {**snapshot_without_m2m(project), "partner_units": write.partner_ids}
                after = {**after, "version": project.version}
                action = ChangeAction.CREATE if write.project_before is None else ChangeAction.UPDATE
                yield action, project, write.project_before, after, project.pk
            plan = write.plan
            if plan is not None:
                before = None
                if write.plan_before is not None:
                    before = snapshot(
                        AnnualPlan(pk=plan.pk, project_id=plan.project_id, year=plan.year, **write.plan_before)
                    )
                action = ChangeAction.CREATE if before is None else ChangeAction.UPDATE
                yield action, plan, before, snapshot(plan), plan.project_id

    change_records_write_bulk(actor=actor, entries=entries())


def _write_reports(*, actor: User, prepared: Prepared) -> None:
    now = timezone.now()
    created, updated = [], []
    for write in prepared.writes:
        report = write.report
        if (
            report.status == ReportStatus.SUBMITTED
            and (write.report_before or {}).get("status") != ReportStatus.SUBMITTED
        ):
            report.submitted_by, report.submitted_at = actor, now
        report.updated_at = now
        if write.report_before is None:
            created.append(report)
        else:
            report.version += 1
            updated.append(report)
    bulk_insert(MonthlyReport, created)
    if updated:
        MonthlyReport.objects.bulk_update(updated, REPORT_WRITTEN_FIELDS, batch_size=1000)
    # bulk_insert/bulk_update send no post_save: the per-project totals the indicators read
    # are rebuilt here for the projects written, in the same transaction.
    if prepared.writes:
        completed_investment_refresh(
            project_ids=[write.report.project_id for write in prepared.writes], year=prepared.parameters["year"]
        )
    change_records_write_bulk(
        actor=actor,
        entries=(
            (
                ChangeAction.CREATE if write.report_before is None else ChangeAction.UPDATE,
                write.report,
                write.report_before,
                snapshot_without_m2m(write.report),
                write.report.project_id,
            )
            for write in prepared.writes
        ),
    )


# --- undo ---------------------------------------------------------------------------


UNDO_MODELS = {"project": Project, "annualplan": AnnualPlan, "monthlyreport": MonthlyReport}


def _undo_models() -> dict:
    from apps.attraction.models import InvestmentLead, LeadStageEvent
    from apps.bonds.models import BondProject

    return {
        **UNDO_MODELS,
        "bondproject": BondProject,
        "leadstageevent": LeadStageEvent,
        "investmentlead": InvestmentLead,
    }


@transaction.atomic
def import_batch_undo(*, actor: User, batch_id: int) -> ImportBatch:
    """Put back what a committed batch changed, while nothing later has touched its objects:
    created objects are deleted, changed ones get their earlier values; each with a change record."""
    batch = _lock_batch(actor=actor, batch_id=batch_id)
    if batch.status != BatchStatus.COMMITTED:
        raise ValidationError({"__all__": _("只有已导入的批次可以撤销。")})
    records = list(
        ChangeRecord.objects.filter(request_id=batch.request_id).select_related("content_type").order_by("id")
    )
    if batch.kind == ImportKind.LEADS:
        from apps.attraction.imports import undo_blocker

        blocker = undo_blocker(records)
        if blocker:
            raise ValidationError({"__all__": blocker})
    if records:
        # Every record about a project carries its project_id: anything written later about
        # these projects (a report, a milestone, an edit) means the batch is no longer the last word.
        project_ids = {record.project_id for record in records if record.project_id}
        first = (
            ChangeRecord.objects.filter(pk_in(project_ids, "project_id"), id__gt=records[0].id)
            .exclude(request_id=batch.request_id)
            .order_by("id")
            .first()
        )
        if first is not None:
            raise ValidationError(
                {
                    "__all__": _("“%(object)s”在导入后已被 %(user)s 于 %(time)s 修改，不能撤销此批次。")
                    % {
                        "object": first.object_repr,
                        "user": first.user_name or "-",
                        "time": timezone.localtime(first.time).strftime("%Y-%m-%d %H:%M"),
                    }
                }
            )
    with request_context(request_id=f"undo-{batch.request_id}"[:64], client_ip=current_request_meta().client_ip):
        _revert(actor=actor, records=records)
    batch.status = BatchStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.save()
    return batch


def _revert(*, actor: User, records: list[ChangeRecord]) -> None:
    """A model at a time, children before parents (reports and plans before their projects):
    the created objects deleted in one statement, the changed ones given their earlier values
    in one bulk update; the objects read in one query each, so a 50,000-row batch is undone
    in seconds, not one object (and its cascade) at a time."""
    entries = []
    now = timezone.now()
    by_model = defaultdict(list)
    for record in records:
        by_model[record.content_type.model].append(record)
    models = _undo_models()
    for key in ("bondproject", "leadstageevent", "investmentlead", "monthlyreport", "annualplan", "project"):
        if not by_model[key]:
            continue
        model = models[key]
        queryset = model.objects.filter(pk_in({record.object_id for record in by_model[key]}))
        # What a snapshot and an object's name read, fetched with it.
        if model is Project:
            queryset = queryset.prefetch_related("partner_units")
        else:  # what an object's name reads (a lead's stage event names its lead)
            queryset = queryset.select_related(*(f.name for f in model._meta.fields if f.name in ("project", "lead")))
        current = {instance.pk: instance for instance in queryset}
        deleted, restored, partners = [], [], {}
        fields: set[str] = set()
        for record in sorted(by_model[key], key=lambda r: -r.id):
            instance = current.get(record.object_id)
            if instance is None:
                continue
            now_values = snapshot(instance)
            if record.action == ChangeAction.CREATE:
                deleted.append(instance.pk)
                entries.append((ChangeAction.DELETE, instance, now_values, None, record.project_id))
                continue
            for name, value in (record.before or {}).items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    partners[instance.pk] = sorted(value)
                else:
                    setattr(instance, field.attname, field.to_python(value) if value is not None else None)
                    fields.add(field.attname)
            if hasattr(instance, "version"):
                instance.version = now_values.get("version", 0) + 1
            if hasattr(instance, "updated_at"):
                instance.updated_at = now
            after = snapshot_without_m2m(instance)
            for name in now_values.keys() - after.keys():  # many-to-many: as restored, or as it is
                after[name] = partners.get(instance.pk, now_values[name])
            restored.append(instance)
            entries.append((ChangeAction.UPDATE, instance, now_values, after, record.project_id))
        if deleted:
            model.objects.filter(pk_in(deleted)).delete()
        if restored:
            extra = [name for name in ("version", "updated_at") if hasattr(restored[0], name)]
            model.objects.bulk_update(restored, sorted(fields | set(extra)), batch_size=1000)
        if partners:
            through = Project.partner_units.through
            through.objects.filter(pk_in(partners, "project_id")).delete()
            bulk_insert(
                through,
                [
                    through(project_id=project_id, organisation_id=organisation_id)
                    for project_id, ids in partners.items()
                    for organisation_id in ids
                ],
            )
    change_records_write_bulk(actor=actor, entries=entries)
    # Reports deleted or restored in bulk send no post_save: rebuild their totals.
    reports = {
        (r.project_id, (r.before or r.after or {}).get("year"))
        for r in records
        if r.content_type.model == "monthlyreport"
    }
    for year in {year for _project, year in reports}:
        completed_investment_refresh(project_ids=[project for project, y in reports if y == year], year=year)
