import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市发改委管理员")
    CITY_LEADER = "city_leader", _("市级领导")
    COUNTY_USER = "county_user", _("县区用户")
    DEPARTMENT_USER = "department_user", _("部门用户")
    OWNER_REPORTER = "owner_reporter", _("建设单位填报员")
    AUDITOR = "auditor", _("审计")
    # 三员分立 (separation of duties): administration split three ways, none of them a
    # superuser and none of them editing business data.
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that only read: everyone else changes data or administers and needs a second factor.
READ_ONLY_ROLES = frozenset({Role.CITY_LEADER, Role.AUDITOR})


class User(AbstractUser):
    """A person who logs in. Their role and anchor (region, organisation, person) define their scope."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.AUDITOR)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("市级角色填市，县区用户填本县区。"),
    )
    organisation = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("部门用户填部门，填报员填建设单位。"),
    )
    person = models.OneToOneField(
        "regions.Person",
        verbose_name=_("对应人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("市级领导对应的包抓领导。"),
    )

    must_change_password = models.BooleanField(
        _("下次登录须修改密码"), default=False, help_text=_("管理员设置或重置的密码，用户首次登录时必须修改。")
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    # Role and scope changes are logged; secrets and login noise are not.
    AUDIT_EXCLUDE = frozenset({"password", "last_login", "groups", "user_permissions", "password_changed_at"})

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self):
        super().clean()
        needs = {
            Role.CITY_ADMIN: "region",
            Role.CITY_LEADER: "region",
            Role.COUNTY_USER: "region",
            Role.DEPARTMENT_USER: "organisation",
            Role.OWNER_REPORTER: "organisation",
        }
        field = needs.get(self.role)
        if field and getattr(self, f"{field}_id") is None:
            raise ValidationError({field: _("该角色必须填写此项。")})

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        from .roles import STAFF_ROLES

        # The administration site is where administrators and the city administrator work.
        if self.role in STAFF_ROLES:
            self.is_staff = True
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        # The hash being replaced goes to the history (PasswordHistoryValidator.password_changed).
        if self.password and not hasattr(self, "_replaced_password_hash"):
            self._replaced_password_hash = self.password
        super().set_password(raw_password)

    @property
    def needs_second_factor(self) -> bool:
        return self.is_superuser or self.is_staff or self.role not in READ_ONLY_ROLES

    def password_expired(self, now=None) -> bool:
        days = settings.KP_PASSWORD_MAX_AGE_DAYS
        if not days or not self.has_usable_password():
            return False
        changed = self.password_changed_at or self.date_joined
        return (now or timezone.now()) - changed > datetime.timedelta(days=days)


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so the last few cannot be chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A login session of a user, so all of them can be ended server-side (logout,
    deactivation, the security administrator) whatever the session backend."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    client_ip = models.GenericIPAddressField(_("客户端 IP"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APITokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked=False, expires_at__gt=timezone.now())

    def authenticate(self, raw: str):
        token = self.active().select_related("user").filter(key_hash=_hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        # At most one write a minute per token: "last used" needs no finer grain.
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token


def _default_token_expiry():
    return timezone.now() + datetime.timedelta(days=settings.KP_API_TOKEN_DAYS)


class APIToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), default=_default_token_expiry)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @property
    def status(self) -> str:
        if self.revoked:
            return _("已吊销")
        if self.expires_at <= timezone.now():
            return _("已过期")
        return _("有效")

    @classmethod
    def issue(cls, *, user: User, name: str, days: int | None = None) -> tuple["APIToken", str]:
        raw = secrets.token_urlsafe(32)
        expires_at = timezone.now() + datetime.timedelta(days=days or settings.KP_API_TOKEN_DAYS)
        token = cls.objects.create(
            user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8], expires_at=expires_at
        )
        return token, raw
