from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


class ImportKind(models.TextChoices):
    PLAN = "plan", _("项目计划表")
    PROGRESS = "progress", _("月度进展表")
    BONDS = "bonds", _("专项债券项目表")
    LEADS = "leads", _("招商线索清单")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("解析中")
    PREVIEWED = "previewed", _("待确认")
    INVALID = "invalid", _("有错误")
    NO_CHANGE = "nochange", _("无变化")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")
    UNDONE = "undone", _("已撤销")


class ImportBatchQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action == "view" and user.role in (Role.CITY_ADMIN, Role.AUDITOR):
            return Q()
        # A batch is its uploader's: it holds their file and their preview.
        return Q(user=user)


class ImportBatch(models.Model):
    """One uploaded file: its preview, and once committed the change records it wrote
    (they carry `request_id`), so the batch can be undone while nothing later touched them."""

    kind = models.CharField(_("导入类型"), max_length=10, choices=ImportKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    undone_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_format = models.CharField(_("文件格式"), max_length=8, blank=True)
    encoding = models.CharField(_("文本编码"), max_length=20, blank=True)
    content = models.BinaryField(_("文件内容"))
    parameters = models.JSONField(_("导入参数"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, unique=True)
    rows_total = models.PositiveIntegerField(_("数据行"), default=0)
    rows_new = models.PositiveIntegerField(_("新增"), default=0)
    rows_changed = models.PositiveIntegerField(_("修改"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    rows_error = models.PositiveIntegerField(_("错误"), default=0)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    # The preview's rows (errors first, then changes), capped: the full truth is re-derived at commit.
    preview = models.JSONField(_("预览"), default=list, blank=True)
    # How the file was read: unused columns, skipped rows, assumptions, values to confirm.
    reading = models.JSONField(_("读取说明"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def confirmations(self) -> list:
        return (self.reading or {}).get("confirmations", [])

    @property
    def can_commit(self) -> bool:
        return self.status == BatchStatus.PREVIEWED and (self.rows_new or self.rows_changed)

    @property
    def can_undo(self) -> bool:
        return self.status == BatchStatus.COMMITTED and bool(self.rows_new or self.rows_changed)


class RefusedUpload(models.Model):
    """An upload refused before its body was read (over the size cap): what is known of it,
    never the file. Uploads refused after reading keep their ImportBatch (name, size,
    SHA-256, reason) with the content dropped."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    path = models.CharField(_("地址"), max_length=200)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    declared_size = models.PositiveBigIntegerField(_("声明大小（字节）"), null=True, blank=True)
    received_size = models.PositiveBigIntegerField(_("已接收（字节）"), default=0)
    sha256 = models.CharField(_("已接收部分的 SHA-256"), max_length=64, blank=True)
    reason = models.TextField(_("原因"))
    client_ip = models.GenericIPAddressField(_("来源 IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("被拒绝的上传")
        verbose_name_plural = _("被拒绝的上传")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name or '-'} {self.reason[:40]}"
