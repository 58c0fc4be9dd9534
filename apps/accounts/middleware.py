"""Per-request account checks, after authentication: session idle timeout and absolute
lifetime, the second factor, and a password that must be changed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

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
            response = self._checked(request)
        except DatabaseError:
            # The database is down: nothing can be read or written, and the view's own
            # failure is answered 503 (apps/ops); these checks cannot run without it.
            return self.get_response(request)
        return _login_for_fragments(request, response)

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
        # Pages read it (request.account_pending) to leave out what the user may not open yet.
        request.account_pending = self._pending(user)
        if request.account_pending is None or request.path.startswith(_OPEN_PREFIXES):
            return None
        return _refuse(request, *request.account_pending)

    @staticmethod
    def _pending(user):
        if settings.KP_REQUIRE_2FA and user.needs_second_factor and not user.is_verified():
            return "accounts:otp", _("请先完成双因素认证（动态口令）。")
        if user.must_change_password or user.password_expired():
            return "accounts:password_change", _("请先修改密码。")
        return None


def _is_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _refuse(request, url_name: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    if _is_fragment(request):
        # A part of a page (htmx): refuse it. Redirected, it would fetch the gate's whole page
        # into the fragment, whose own fragments would ask again, without end.
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")


def _login_for_fragments(request, response):
    """A fragment refused for want of a session (expired, signed out elsewhere) takes the
    whole page to the login, returning afterwards to the page, not to the fragment."""
    if not _is_fragment(request) or response.status_code != 302:
        return response
    login = resolve_url(settings.LOGIN_URL)
    if not response["Location"].startswith(login):
        return response
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = page.path + (f"?{page.query}" if page.query else "") if page.path else "/"
    return HttpResponseClientRedirect(f"{login}?{urlencode({'next': back})}")
