"""Authentication for the REST API: a bearer token or the Django session.

Both return the acting User, which ninja puts on `request.auth`. Token requests
also set `request.user`, so code that reads the user from the request (the
shared FilterSet's region choices, for example) sees the same person.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from apps.accounts.models import APIToken


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <raw token>`; see APIToken.issue.

    Wrong tokens count as login failures (django-axes) of this client's token attempts: after
    as many failures as lock an account the client is refused tokens (429) for the same
    cool-off; its address counts towards the higher client limit like password failures."""

    def authenticate(self, request: HttpRequest, token: str):
        if not token:
            return None
        from axes.handlers.proxy import AxesProxyHandler

        from apps.accounts.lockout import token_username

        AxesProxyHandler.update_request(request)
        # Wrong tokens count against this client's token attempts (and its address), not
        # against the password logins of others behind the same address.
        credentials = {"username": token_username(request)}
        if not AxesProxyHandler.is_allowed(request, credentials):
            raise HttpError(429, _("API 令牌认证失败次数过多，请稍后再试。"))
        api_token = APIToken.objects.authenticate(token)
        if api_token is None:
            from apps.audit.models import SecurityEventKind
            from apps.audit.services import security_event_write

            security_event_write(kind=SecurityEventKind.TOKEN_FAILED, detail={"prefix": token[:8]})
            AxesProxyHandler.user_login_failed(sender=BearerTokenAuth, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                raise HttpError(429, _("API 令牌认证失败次数过多，请稍后再试。"))
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionAuth(APIKeyCookie):
    """Django login session; unsafe methods must pass the CSRF check.

    Unlike ninja's `django_auth`, an anonymous request is answered 401 (not a
    CSRF 403): the CSRF check only runs once there is a logged-in user.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF 校验失败，请刷新页面后重试。"))
        return user


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()

# Token first: a token request carries no CSRF token and must not be refused by the session check.
API_AUTH = [bearer_auth, session_auth]
