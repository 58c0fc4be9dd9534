"""Per-request account checks, after authentication: session idle timeout and absolute
lifetime, the second factor, and a password that must be changed."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.audit.models import SecurityEventKind
from apps.audit.services import security_event_write
from apps.core.context import actor_context

from .signals import SESSION_AUTH_AT, SESSION_SEEN_AT

# Pages a user may reach before finishing the second factor or a forced password change.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/favicon")
# "Last seen" is written at most this often (seconds): the idle clock needs no finer grain.
_SEEN_RESOLUTION = 60


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self._checked(request)
        except DatabaseError:
            # The database is down: nothing can be read or written, and the view's own
            # failure is answered 503 (apps/ops); these checks cannot run without it.
            return self.get_response(request)

    def _checked(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            expired = self._session_expired(request)
            if expired:
                security_event_write(kind=SecurityEventKind.SESSION_EXPIRED, user=user, detail={"reason": expired})
                from .models import UserSession

                UserSession.objects.filter(session_key=request.session.session_key).delete()
                request.session.flush()
                request.user = AnonymousUser()
            else:
                blocked = self._gate(request, user)
                if blocked is not None:
                    return blocked
        with actor_context(request.user if user is not None else None):
            return self.get_response(request)

    def _session_expired(self, request) -> str | None:
        now = timezone.now().timestamp()
        session = request.session
        auth_at = session.get(SESSION_AUTH_AT)
        seen_at = session.get(SESSION_SEEN_AT)
        if auth_at is None or seen_at is None:
            # A session from before these checks: start its clocks now.
            session[SESSION_AUTH_AT] = auth_at or now
            session[SESSION_SEEN_AT] = now
            return None
        if now - seen_at > settings.KP_SESSION_IDLE_MINUTES * 60:
            return "idle"
        if now - auth_at > settings.KP_SESSION_MAX_MINUTES * 60:
            return "absolute"
        if now - seen_at >= _SEEN_RESOLUTION:
            session[SESSION_SEEN_AT] = now
        return None

    def _gate(self, request, user):
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        if settings.KP_REQUIRE_2FA and user.needs_second_factor and not user.is_verified():
            return _refuse(request, "accounts:otp", _("请先完成双因素认证（动态口令）。"))
        if user.must_change_password or user.password_expired():
            return _refuse(request, "accounts:password_change", _("请先修改密码。"))
        return None


def _refuse(request, url_name: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
