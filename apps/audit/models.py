from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.querysets import RestrictedQuerySet


class ChangeAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} are append-only")


class ChangeRecordQuerySet(AppendOnlyQuerySet):
    def scope_q(self, user, action):
        from apps.accounts.models import Role
        from apps.projects.models import Project

        if action != "view":
            return None
        if user.role in (Role.AUDITOR, Role.CITY_ADMIN, Role.AUDIT_ADMIN):
            return Q()
        # Others see the history of the projects they can see, with their plans and milestones
        # (every record about a project carries its project_id).
        return Q(project_id__in=Project.objects.restrict(user, "view").values("pk"))


class AppendOnlyModel(models.Model):
    """Inserted once, sealed into the hash chain, never updated or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")
        from .chain import seal

        seal(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} are append-only")


class ChangeRecord(AppendOnlyModel):
    """One create/update/delete of business data. Append-only: never updated or deleted
    (refused by the ORM here and, on PostgreSQL, by triggers in the database); each record's
    `hash` chains it to the one before (apps/audit/chain.py, `manage.py audit_verify`)."""

    # Set on creation (not auto_now_add) so the chain hash can cover it before the INSERT.
    time = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True
    )
    user_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, db_index=True)
    # What the client sent as X-Request-ID: stored to correlate with its logs, never to group.
    correlation_id = models.CharField(_("客户端关联编号"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.BigIntegerField(_("对象编号"))
    object_repr = models.CharField(_("对象"), max_length=200)
    # The project a plan or milestone belongs to, so a project page shows all of its history.
    project_id = models.BigIntegerField(_("所属项目"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    hash = models.CharField(_("校验链"), max_length=64, blank=True, editable=False)

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

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return [key for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    LOCKED_OUT = "locked_out", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    TOKEN_FAILED = "token_failed", _("API 令牌认证失败")
    OTP_ENROLLED = "otp_enrolled", _("绑定双因素认证")
    OTP_FAILED = "otp_failed", _("动态口令错误")
    OTP_RESET = "otp_reset", _("重置双因素认证")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_ISSUED = "password_issued", _("管理员设置密码")
    TOKEN_ISSUED = "token_issued", _("签发 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销 API 令牌")
    ROLE_CHANGED = "role_changed", _("角色或权限变更")
    DEACTIVATED = "deactivated", _("停用账号")
    SESSIONS_ENDED = "sessions_ended", _("结束会话")
    SESSION_EXPIRED = "session_expired", _("会话超时")
    ACCESS_DENIED = "access_denied", _("拒绝访问")


class SecurityEventQuerySet(AppendOnlyQuerySet):
    def scope_q(self, user, action):
        from apps.accounts.models import Role

        if action != "view":
            return None
        return Q() if user.role in (Role.AUDIT_ADMIN, Role.SECURITY_ADMIN) else None


class SecurityEvent(AppendOnlyModel):
    """A login, lockout, second-factor, password, token, role or access event. Append-only
    and hash-chained like ChangeRecord."""

    # Set on creation (not auto_now_add) so the chain hash can cover it before the INSERT.
    time = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=SecurityEventKind.choices, db_index=True)
    # The user the event is about (kept if the account is later removed: no FK constraint).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, help_text=_("登录失败时为尝试的用户名。"))
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, db_index=True)
    correlation_id = models.CharField(_("客户端关联编号"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    hash = models.CharField(_("校验链"), max_length=64, blank=True, editable=False)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"
