import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市发改委管理员")
    CITY_LEADER = "city_leader", _("市级领导")
    COUNTY_USER = "county_user", _("县区用户")
    DEPARTMENT_USER = "department_user", _("部门用户")
    OWNER_REPORTER = "owner_reporter", _("建设单位填报员")
    AUDITOR = "auditor", _("审计")


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

    # Role and scope changes are logged; secrets and login noise are not.
    AUDIT_EXCLUDE = frozenset({"password", "last_login", "groups", "user_permissions"})

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


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APITokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str):
        token = self.select_related("user").filter(key_hash=_hash_token(raw), revoked=False).first()
        if token is None or not token.user.is_active:
            return None
        return token


class APIToken(models.Model):
    """A bearer token for the REST API. Only its hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple["APIToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8])
        return token, raw
