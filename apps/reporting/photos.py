"""Progress photos of monthly reports (形象进度照片): validated by their content with Pillow,
re-encoded as JPEG (EXIF, GPS included, is dropped), a thumbnail made, a change record written.

Refusals are Chinese messages naming the file; nothing is written on a refusal."""

import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.accounts.models import User
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write, snapshot

from .models import MonthlyReport, ReportPhoto

# Formats a phone camera or a desktop sends; told from the bytes, not the name.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO", "GIF", "BMP"})
MAX_BYTES = getattr(settings, "KP_PHOTO_MAX_BYTES", 15 * 1024 * 1024)
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is larger than any phone's; beyond is a bomb
MAX_PHOTOS_PER_REPORT = 20
STORED_EDGE = 2000
THUMB_EDGE = 360


def _read_image(*, name: str, data: bytes) -> Image.Image:
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("照片“%(name)s”超过 %(mb)s MB，请压缩后再上传。") % {"name": name, "mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            probe.verify()
        if kind not in ACCEPTED_FORMATS:
            raise ValidationError(_("“%(name)s”不是支持的图片格式（JPEG、PNG、WebP）。") % {"name": name})
        if width * height > MAX_PIXELS:
            raise ValidationError(_("照片“%(name)s”像素过大，请压缩后再上传。") % {"name": name})
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("“%(name)s”不是图片文件，无法作为形象进度照片。") % {"name": name}) from None
    return image


def _jpeg(image: Image.Image, edge: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((edge, edge))
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    # No exif= argument: the stored file carries no metadata (no GPS, no camera serial).
    copy.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), copy.width, copy.height


@transaction.atomic
def report_photo_add(*, actor: User, report_id: int, name: str, data: bytes, caption: str = "") -> ReportPhoto:
    """Attach a photo to a report the actor may change (not after verification)."""
    report = (
        MonthlyReport.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=report_id).first()
    )
    if report is None:
        raise PermissionDenied(_("您无权为该月报上传照片。"))
    if report.is_locked:
        raise ValidationError(_("该月报已审核锁定，不能再添加照片。"))
    if report.photos.count() >= MAX_PHOTOS_PER_REPORT:
        raise ValidationError(_("每份月报最多 %(n)s 张照片。") % {"n": MAX_PHOTOS_PER_REPORT})
    image = ImageOps.exif_transpose(_read_image(name=name, data=data))  # upright as the camera held it
    stored, width, height = _jpeg(image, STORED_EDGE)
    thumbnail, _w, _h = _jpeg(image, THUMB_EDGE)
    photo = ReportPhoto(
        report=report,
        caption=caption[:200],
        image=stored,
        thumbnail=thumbnail,
        width=width,
        height=height,
        original_name=name[:255],
        uploaded_by=actor,
    )
    photo.full_clean(exclude=["image", "thumbnail"])
    photo.save()
    change_record_write(
        actor=actor,
        action=ChangeAction.CREATE,
        instance=photo,
        before=None,
        after=snapshot(photo),
        project_id=report.project_id,
    )
    return photo


@transaction.atomic
def report_photo_delete(*, actor: User, photo_id: int) -> None:
    photo = ReportPhoto.objects.restrict(actor, "change").select_related("report").filter(pk=photo_id).first()
    if photo is None:
        raise PermissionDenied(_("您无权删除该照片。"))
    if photo.report.is_locked:
        raise ValidationError(_("该月报已审核锁定，不能删除照片。"))
    before = snapshot(photo)
    project_id = photo.report.project_id
    photo.delete()
    change_record_write(
        actor=actor, action=ChangeAction.DELETE, instance=photo, before=before, after=None, project_id=project_id
    )


def photo_list(*, user, report=None, project=None):
    """Photos the user sees (without their bytes), of one report or one project's reports."""
    photos = ReportPhoto.objects.restrict(user).defer("image", "thumbnail").select_related("report")
    if report is not None:
        photos = photos.filter(report=report)
    if project is not None:
        photos = photos.filter(report__project=project)
    return photos.order_by("-report__year", "-report__month", "uploaded_at", "pk")


def photo_bytes(*, user, pk: int, thumbnail: bool) -> bytes | None:
    field = "thumbnail" if thumbnail else "image"
    row = ReportPhoto.objects.restrict(user).filter(pk=pk).values_list(field, flat=True).first()
    return bytes(row) if row is not None else None
