"""Reads of bulletins, always through the acting user's scope."""

from django.db.models import Exists, OuterRef
from django.http import Http404

from .models import Bulletin, BulletinRead, BulletinStatus


def bulletin_queryset(*, user, action: str = "view"):
    return (
        Bulletin.objects.restrict(user, action)
        .select_related("region", "drafted_by", "reviewed_by", "signed_by")
        .defer("snapshot", "docx", "xlsx", "pdf")
        .annotate(read=Exists(BulletinRead.objects.filter(bulletin_id=OuterRef("pk"), user_id=user.pk)))
    )


def bulletin_get(*, user, pk: int, action: str = "view") -> Bulletin:
    bulletin = (
        Bulletin.objects.restrict(user, action)
        .select_related("region", "drafted_by", "reviewed_by", "signed_by")
        .filter(pk=pk)
        .first()
    )
    if bulletin is None:
        raise Http404("通报不存在或不在您的范围内。")
    return bulletin


def bulletin_unread_count(*, user) -> int:
    return (
        Bulletin.objects.restrict(user, "view")
        .filter(status=BulletinStatus.PUBLISHED)
        .exclude(reads__user=user)
        .count()
    )


def bulletin_can_change(*, user, bulletin: Bulletin) -> bool:
    return Bulletin.objects.restrict(user, "change").filter(pk=bulletin.pk).exists()


def bulletin_region_get(*, user, region_id: int | None):
    """The region a user drafts for: their own by default; one inside their region, else 404."""
    from apps.regions.models import Region

    if user.region_id is None:
        raise Http404("您的账号未关联区划。")
    if region_id is None:
        return user.region
    region = Region.objects.filter(pk=region_id, code__startswith=user.region.code_prefix).first()
    if region is None:
        from apps.core.querysets import note_miss_outside_scope

        note_miss_outside_scope(model=Region, object_id=region_id, user=user, action="change")
        raise Http404("区划不存在或不在您的范围内。")
    return region
