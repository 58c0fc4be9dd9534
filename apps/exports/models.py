"""What was exported, by whom: one append-only ExportRecord per produced file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AppendOnlyError
from apps.core.querysets import RestrictedQuerySet


class ExportKind(models.TextChoices):
    PROJECT_LIST = "project_list", _("项目清单")
    PROGRESS = "progress", _("月度推进情况表")
    TEMPLATE = "template", _("月报填报模板")
    FUNDING = "funding", _("资金到位情况表")
    BONDS = "bonds", _("专项债券项目表")
    LIST = "list", _("列表")
    LEAD_LIST = "lead_list", _("招商线索清单")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class ExportRecordQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("export records are append-only")

    def delete(self):
        raise AppendOnlyError("export records are append-only")

    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action != "view":
            return None
        # Who took which data out is the auditor's (and the administrator's) business;
        # everyone else sees their own exports.
        if user.role in (Role.AUDITOR, Role.CITY_ADMIN):
            return Q()
        return Q(user_id=user.pk)


class ExportRecord(models.Model):
    """One produced export file. Append-only: never updated or deleted."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, null=True, blank=True
    )
    user_name = models.CharField(_("导出人姓名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, db_index=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(_("格式"), max_length=10, choices=ExportFormat.choices)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("项目行数"))
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = ExportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("export records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("export records are append-only")


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJobQuerySet(RestrictedQuerySet):
    def scope_q(self, user, action):
        # The file holds the starter's scope of data: only the starter sees or downloads it.
        return Q(user_id=user.pk)


class ExportJob(models.Model):
    """A large export made by a Celery job (above settings.EXPORT_ASYNC_ROWS rows). The file
    is kept in the database, as import uploads are, so that any web process can serve what any
    worker made; its ExportRecord is written when the file is made, as for a direct download."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE)
    kind = models.CharField(_("类型"), max_length=20, choices=ExportKind.choices)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    rows_expected = models.PositiveIntegerField(_("预计行数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED)
    message = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    record = models.ForeignKey(
        ExportRecord, verbose_name=_("导出记录"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(_("文件内容"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"
