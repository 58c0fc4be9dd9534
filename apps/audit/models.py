from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class AppendOnlyError(Exception):
    pass


class ChangeRecordQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("change records are append-only")

    def delete(self):
        raise AppendOnlyError("change records are append-only")

    def scope_q(self, user, action):
        from apps.accounts.models import Role
        from apps.projects.models import Project

        if action != "view":
            return None
        if user.role in (Role.AUDITOR, Role.CITY_ADMIN):
            return Q()
        # Others see the history of the projects they can see, with their plans and milestones
        # (every record about a project carries its project_id).
        return Q(project_id__in=Project.objects.restrict(user, "view").values("pk"))


class ChangeRecord(models.Model):
    """One create/update/delete of business data. Append-only: never updated or deleted."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True
    )
    user_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, db_index=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.BigIntegerField(_("对象编号"))
    object_repr = models.CharField(_("对象"), max_length=200)
    # The project a plan or milestone belongs to, so a project page shows all of its history.
    project_id = models.BigIntegerField(_("所属项目"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    objects = ChangeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # the newest record of a kind (cached figures' version, apps/ops/figures_cache.py)
            models.Index(fields=["content_type", "id"], name="audit_change_type_id_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("change records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("change records are append-only")

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
