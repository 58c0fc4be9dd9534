"""Password rules Django's validators do not have: character classes and history (等保:
complexity and periodic change). Length, common passwords and similarity to the user's
own details are Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^a-zA-Z0-9]"))


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(1 for pattern in _CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、其他字符中的至少 %(n)s 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the user's last settings.KP_PASSWORD_HISTORY passwords (the current one included)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        for hashed in recent_password_hashes(user):
            if check_password(password, hashed):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return _("不能与最近 %(n)s 次使用过的密码相同。") % {"n": settings.KP_PASSWORD_HISTORY}

    def password_changed(self, password, user=None):
        # Django calls this after saving a user whose password was set (User.set_password
        # kept the hash it replaced).
        if user is not None and user.pk is not None:
            password_changed(user, old_hash=user.__dict__.pop("_replaced_password_hash", None))


def recent_password_hashes(user) -> list[str]:
    keep = settings.KP_PASSWORD_HISTORY
    if keep <= 0:
        return []
    earlier = list(user.password_history.values_list("password", flat=True)[: keep - 1])
    current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
    return [h for h in [current, *earlier] if h]


def password_changed(user, *, old_hash: str | None) -> None:
    """Keep the replaced hash for the history check and restart the periodic-change clock."""
    from .models import PasswordHistory

    if old_hash:
        PasswordHistory.objects.create(user=user, password=old_hash)
        keep = max(settings.KP_PASSWORD_HISTORY - 1, 0)
        stale = user.password_history.values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    user.password_changed_at = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(password_changed_at=user.password_changed_at)
