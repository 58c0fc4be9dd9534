"""Bulletins (通报): a region's document about a period, generated from a frozen snapshot
of the figures and lists at drafting, then edited, reviewed and signed off (起草 → 审核 →
签发), numbered per region and year without gaps, and published to the region's users."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


class BulletinKind(models.TextChoices):
    HALF_MONTH = "half_month", _("半月通报")
    MONTH = "month", _("月度通报")
    QUARTER = "quarter", _("季度通报")
    YEAR = "year", _("年度通报")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    IN_REVIEW = "in_review", _("待审核")
    REVIEWED = "reviewed", _("待签发")
    PUBLISHED = "published", _("已签发")


#: Roles that draft, review and sign off the bulletins of their region.
BULLETIN_EDITORS = ("city_admin", "county_user")


def _region_and_ancestors_q(region, field: str) -> Q:
    code = region.code
    return Q(**{f"{field}__code__in": {code[:2] + "0000", code[:4] + "00", code}})


def bulletin_scope_q(user, action: str) -> Q | None:
    """view: published bulletins of the user's region and the regions above it, and every
    bulletin (drafts too) of the regions the user edits; auditors all published ones.
    change (draft, edit, review, sign off): city administrators and county users, for the
    bulletins of their own region and below."""
    from apps.accounts.models import Role

    published = Q(status=BulletinStatus.PUBLISHED)
    editable = None
    if user.role in BULLETIN_EDITORS and user.region_id:
        editable = Q(region__code__startswith=user.region.code_prefix)
    if action == "change":
        return editable
    if action != "view":
        return None
    if user.role == Role.AUDITOR or user.is_superuser:
        return published
    anchor = user.region if user.region_id else None
    if anchor is None and user.organisation_id:
        anchor = user.organisation.region
    if anchor is None:
        return editable
    seen = published & (_region_and_ancestors_q(anchor, "region") | Q(region__code__startswith=anchor.code_prefix))
    return seen | editable if editable is not None else seen


class BulletinQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        return bulletin_scope_q(user, action)


class BulletinCounter(models.Model):
    """The last number given to a region's bulletins of a year; locked while one is signed
    off, so that numbers have no gaps and no duplicates (numbers are given at 签发 only:
    an abandoned draft leaves no hole)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    last_number = models.PositiveIntegerField(_("已用最大编号"), default=0)

    class Meta:
        verbose_name = _("通报编号计数")
        verbose_name_plural = _("通报编号计数")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="bulletin_counter_unique")]

    def __str__(self):
        return f"{self.region_id} {self.year} {self.last_number}"


class Bulletin(models.Model):
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT)
    kind = models.CharField(_("通报类型"), max_length=20, choices=BulletinKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))  # the period's last month
    half = models.PositiveSmallIntegerField(_("半月"), null=True, blank=True)  # 1: 上半月, 2: 下半月
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    verified_only = models.BooleanField(_("仅计已审核月报"), default=False)
    # The figures and lists at drafting, never recomputed: the document is made from these.
    snapshot = models.JSONField(_("数据快照"), editable=False)
    requirements = models.TextField(_("下步要求"), blank=True)
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    reference = models.CharField(_("文号"), max_length=60, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("起草时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_on = models.DateField(_("签发日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回意见"), blank=True)
    # The published files, stored at 签发 and served as stored (byte-identical downloads).
    docx = models.BinaryField(_("Word 文件"), null=True, editable=False)
    xlsx = models.BinaryField(_("Excel 文件"), null=True, editable=False)
    pdf = models.BinaryField(_("PDF 文件"), null=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = BulletinQuerySet.as_manager()

    # The snapshot and the files are large and derived; the log keeps the other fields.
    AUDIT_EXCLUDE = frozenset({"snapshot", "docx", "xlsx", "pdf"})

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-year", "-month", "-half", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "number"],
                condition=Q(number__isnull=False),
                name="bulletin_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED


class BulletinRead(models.Model):
    """A user opened a published bulletin (what is left is shown as unread)."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_read_once")]

    def __str__(self):
        return f"{self.bulletin_id} {self.user_id}"
