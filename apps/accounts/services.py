"""Account security writes: sessions, lockouts, second factor, API tokens. Each records a
security event (apps.audit) in the same transaction."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from apps.audit.models import SecurityEventKind
from apps.audit.services import security_event_write

from .models import APIToken, User, UserSession


def _session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore


def user_sessions_end(*, user: User, actor=None, reason: str, keep_key: str | None = None) -> int:
    """End every login session of `user` on the server (the session data is deleted, so the
    cookie no longer logs anyone in), except `keep_key` if given."""
    store = _session_store()
    with transaction.atomic():
        sessions = list(UserSession.objects.filter(user=user).exclude(session_key=keep_key or ""))
        for session in sessions:
            store(session_key=session.session_key).delete()
        UserSession.objects.filter(pk__in=[s.pk for s in sessions]).delete()
        if sessions:
            security_event_write(
                kind=SecurityEventKind.SESSIONS_ENDED,
                user=user,
                actor=actor,
                detail={"reason": reason, "sessions": len(sessions)},
            )
    return len(sessions)


@transaction.atomic
def user_unlock(*, user: User, actor) -> int:
    """Clear the login failures that lock `user` out (django-axes)."""
    from axes.utils import reset

    cleared = reset(username=user.get_username())
    security_event_write(kind=SecurityEventKind.UNLOCKED, user=user, actor=actor, detail={"attempts": cleared})
    return cleared


@transaction.atomic
def user_second_factor_reset(*, user: User, actor) -> None:
    """Remove the user's authenticator and recovery codes: they enrol again at next login."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_event_write(kind=SecurityEventKind.OTP_RESET, user=user, actor=actor)


@transaction.atomic
def api_token_issue(*, user: User, actor, name: str, days: int | None = None) -> tuple[APIToken, str]:
    token, raw = APIToken.issue(user=user, name=name, days=days)
    security_event_write(
        kind=SecurityEventKind.TOKEN_ISSUED,
        user=user,
        actor=actor,
        detail={"token": token.prefix, "name": name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: APIToken, actor) -> None:
    if token.revoked:
        return
    APIToken.objects.filter(pk=token.pk).update(revoked=True, revoked_at=timezone.now())
    token.revoked = True
    security_event_write(
        kind=SecurityEventKind.TOKEN_REVOKED, user=token.user, actor=actor, detail={"token": token.prefix}
    )
