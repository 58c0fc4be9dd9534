"""Writes of bulletins: draft from a fresh snapshot, edit the requirements, submit for
review, return, review, sign off (number and files), mark read. Each step is a change
record in the same transaction. Reviewer and signer are never the drafter."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot
from apps.core.exceptions import ConcurrentEditError
from apps.documents.gbt9704 import document_number
from apps.documents.pdf import docx_to_pdf
from apps.regions.models import Region

from . import render
from .content import bulletin_content, default_requirements
from .models import BULLETIN_EDITORS, Bulletin, BulletinCounter, BulletinKind, BulletinRead, BulletinStatus
from .periods import period_make
from .snapshot import snapshot_take

MAX_REQUIREMENTS = 5000


def _record(*, actor, action, instance, before):
    return change_record_write(actor=actor, action=action, instance=instance, before=before, after=snapshot(instance))


def _check_editor(actor, region: Region) -> None:
    if actor.role not in BULLETIN_EDITORS or actor.region_id is None:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以起草、审核和签发通报。"))
    if not region.code_prefix.startswith(actor.region.code_prefix):
        raise PermissionDenied(_("只能处理本区划（含下级）的通报。"))


def _lock(*, actor, bulletin_id: int, version: int | None) -> Bulletin:
    """The bulletin, locked, at the version the user loaded: without it the last writer
    would win (422), a stale one is refused like every versioned edit (409)."""
    bulletin = (
        Bulletin.objects.restrict(actor, "change")
        .select_for_update()
        .select_related("region")
        .filter(pk=bulletin_id)
        .first()
    )
    if bulletin is None:
        raise Http404(_("通报不存在或不在您的范围内。"))
    if version is None:
        raise ValidationError({"version": [_("修改时必须提交编辑时加载的版本号。")]})
    if bulletin.version != version:
        raise ConcurrentEditError(current=bulletin.version, expected=version)
    return bulletin


def _expect(bulletin: Bulletin, *statuses: str) -> None:
    if bulletin.status not in statuses:
        raise ValidationError(
            {"status": _("通报当前状态为“%(status)s”，不能执行此操作。") % {"status": bulletin.get_status_display()}}
        )


@transaction.atomic
def bulletin_draft(
    *,
    actor,
    region: Region,
    kind: str,
    year: int,
    month: int,
    half: int | None = None,
    verified_only: bool = False,
) -> Bulletin:
    """A new draft from a snapshot taken now, through the actor's scope (a county user's
    bulletin covers only its county). Drafting again is another draft: a bulletin's
    snapshot never changes."""
    _check_editor(actor, region)
    period = period_make(kind=kind, year=year, month=month, half=half)
    if period.start > timezone.localdate():
        raise ValidationError({"month": _("通报期间尚未开始，不能起草。")})
    with translation.override(settings.LANGUAGE_CODE):
        data = snapshot_take(user=actor, region=region, period=period, verified_only=verified_only)
        requirements = default_requirements(data)
        title = bulletin_content(data, requirements="").title
    bulletin = Bulletin.objects.create(
        region=region,
        kind=kind,
        year=year,
        month=month,
        half=half,
        title=title,
        verified_only=verified_only,
        snapshot=data,
        requirements=requirements,
        drafted_by=actor,
        drafted_at=timezone.now(),
    )
    _record(actor=actor, action=ChangeAction.CREATE, instance=bulletin, before=None)
    return bulletin


@transaction.atomic
def bulletin_update(*, actor, bulletin_id: int, requirements: str, version: int | None) -> Bulletin:
    """Edit 下步要求 while drafting (the figures are the snapshot's and stay)."""
    bulletin = _lock(actor=actor, bulletin_id=bulletin_id, version=version)
    _expect(bulletin, BulletinStatus.DRAFT)
    requirements = (requirements or "").strip()
    if len(requirements) > MAX_REQUIREMENTS:
        raise ValidationError({"requirements": _("下步要求不能超过%(n)s字。") % {"n": MAX_REQUIREMENTS}})
    before = snapshot(bulletin)
    bulletin.requirements = requirements
    bulletin.version += 1
    bulletin.save(update_fields=["requirements", "version"])
    _record(actor=actor, action=ChangeAction.UPDATE, instance=bulletin, before=before)
    return bulletin


def _step(actor, bulletin_id, version, expected, change):
    bulletin = _lock(actor=actor, bulletin_id=bulletin_id, version=version)
    _check_editor(actor, bulletin.region)
    _expect(bulletin, *expected)
    before = snapshot(bulletin)
    change(bulletin)
    bulletin.version += 1
    bulletin.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=bulletin, before=before)
    return bulletin


@transaction.atomic
def bulletin_submit(*, actor, bulletin_id: int, version: int | None) -> Bulletin:
    """起草 → 待审核."""

    def change(bulletin):
        bulletin.status = BulletinStatus.IN_REVIEW
        bulletin.return_reason = ""

    return _step(actor, bulletin_id, version, (BulletinStatus.DRAFT,), change)


def _not_the_drafter(actor, bulletin: Bulletin, what: str) -> None:
    if bulletin.drafted_by_id == actor.pk:
        raise PermissionDenied(_("%(what)s须由起草人以外的人员办理。") % {"what": what})


@transaction.atomic
def bulletin_review(*, actor, bulletin_id: int, version: int | None) -> Bulletin:
    """待审核 → 待签发, by someone other than the drafter."""

    def change(bulletin):
        _not_the_drafter(actor, bulletin, _("审核"))
        bulletin.status = BulletinStatus.REVIEWED
        bulletin.reviewed_by = actor
        bulletin.reviewed_at = timezone.now()

    return _step(actor, bulletin_id, version, (BulletinStatus.IN_REVIEW,), change)


@transaction.atomic
def bulletin_return(*, actor, bulletin_id: int, reason: str, version: int | None) -> Bulletin:
    """Back to the drafter from review or sign-off, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回意见。")})

    def change(bulletin):
        _not_the_drafter(actor, bulletin, _("退回"))
        bulletin.status = BulletinStatus.DRAFT
        bulletin.return_reason = reason
        bulletin.reviewed_by = None
        bulletin.reviewed_at = None

    return _step(actor, bulletin_id, version, (BulletinStatus.IN_REVIEW, BulletinStatus.REVIEWED), change)


def _next_number(*, region: Region, year: int) -> int:
    """The next number of the region's bulletins of the year, holding the counter's lock
    until the transaction ends (no gaps, no duplicates; a failed sign-off rolls it back)."""
    counter = BulletinCounter.objects.select_for_update().filter(region=region, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                BulletinCounter.objects.create(region=region, year=year, last_number=0)
        except IntegrityError:
            pass
        counter = BulletinCounter.objects.select_for_update().get(region=region, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def bulletin_sign(*, actor, bulletin_id: int, version: int | None) -> Bulletin:
    """待签发 → 已签发: numbered, its files made from the snapshot and stored, published to
    the region's users. From here the bulletin and its files never change."""
    bulletin = _lock(actor=actor, bulletin_id=bulletin_id, version=version)
    _check_editor(actor, bulletin.region)
    _expect(bulletin, BulletinStatus.REVIEWED)
    _not_the_drafter(actor, bulletin, _("签发"))
    before = snapshot(bulletin)
    today = timezone.localdate()
    bulletin.number = _next_number(region=bulletin.region, year=today.year)
    bulletin.reference = document_number(render.number_prefix(bulletin.snapshot), today.year, bulletin.number)
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.signed_by = actor
    bulletin.published_on = today
    with translation.override(settings.LANGUAGE_CODE):
        images = render.bulletin_charts(bulletin.snapshot)
        bulletin.docx = render.bulletin_docx(
            bulletin.snapshot,
            requirements=bulletin.requirements,
            reference=bulletin.reference,
            signed_on=today,
            chart_images=images,
        )
        bulletin.xlsx = render.bulletin_xlsx(bulletin.snapshot, requirements=bulletin.requirements, chart_images=images)
        bulletin.pdf = docx_to_pdf(bulletin.docx)
    bulletin.version += 1
    bulletin.save()
    _record(actor=actor, action=ChangeAction.UPDATE, instance=bulletin, before=before)
    return bulletin


def bulletin_mark_read(*, actor, bulletin: Bulletin) -> None:
    """Not business data (no change record): who has opened a published bulletin."""
    if bulletin.is_published:
        BulletinRead.objects.get_or_create(bulletin=bulletin, user=actor)


def bulletin_file(bulletin: Bulletin, fmt: str) -> bytes | None:
    """The file of a bulletin: stored bytes once published; made from the snapshot for a
    draft (the same snapshot and text give the same bytes)."""
    if bulletin.is_published:
        stored = {"docx": bulletin.docx, "xlsx": bulletin.xlsx, "pdf": bulletin.pdf}[fmt]
        return None if stored is None else bytes(stored)
    with translation.override(settings.LANGUAGE_CODE):
        if fmt == "docx":
            return render.bulletin_docx(bulletin.snapshot, requirements=bulletin.requirements)
        if fmt == "xlsx":
            return render.bulletin_xlsx(bulletin.snapshot, requirements=bulletin.requirements)
        if fmt == "pdf":
            return docx_to_pdf(render.bulletin_docx(bulletin.snapshot, requirements=bulletin.requirements))
    return None


KIND_FOR_CLI = {
    "month": BulletinKind.MONTH,
    "half_month": BulletinKind.HALF_MONTH,
    "quarter": BulletinKind.QUARTER,
    "year": BulletinKind.YEAR,
}
