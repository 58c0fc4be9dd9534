"""The REST API root: /api/v1/ (OpenAPI at /api/v1/docs). Routers live in each app's api.py.

Every answer is JSON; errors are `{"detail": "中文说明", "errors": {"field": ["中文消息", ...]}}`.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from apps.allocation.api import router as allocations_router
from apps.approvals.api import router as approvals_router
from apps.assessment.api import router as assessments_router
from apps.attraction.api import router as attraction_router
from apps.bonds.api import router as bonds_router
from apps.bulletins.api import router as bulletins_router
from apps.core.api_auth import API_AUTH
from apps.core.api_parser import StrictParser
from apps.core.exceptions import ConcurrentEditError
from apps.exports.api import router as exports_router
from apps.funding.api import router as funding_router
from apps.imports.api import router as imports_router
from apps.lights.api import lights_router, rules_router
from apps.problems.api import actions_router, letters_router, meetings_router, problems_router
from apps.projects.api import router as projects_router
from apps.regions.api import router as regions_router
from apps.reporting.api import router as reporting_router
from apps.reserve.api import router as reserve_router
from apps.statistics.api import router as statistics_router
from apps.workdays.api import router as workdays_router

api = NinjaAPI(
    title="KeyProjects API",
    version="1",
    description="重大项目推进调度平台 REST API。金额单位为万元，以十进制字符串传输。"
    "认证：`Authorization: Bearer <令牌>`，或浏览器登录会话（修改类请求需 CSRF 令牌）。",
    urls_namespace="api",
    auth=API_AUTH,
    parser=StrictParser(),
)


def _error(request, status: int, detail: str, errors: dict | None = None, **extra):
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return api.create_response(request, body, status=status)


def _pydantic_message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return _("该字段为必填项。")
    if kind.startswith(("decimal", "float", "int")) or kind == "finite_number":
        return _("请输入有效的数字。")
    if kind.startswith("date"):
        return _("请输入有效的日期（YYYY-MM-DD）。")
    if kind == "extra_forbidden":
        return _("不支持该字段。")
    if kind == "unstorable_text":
        return str(error.get("msg"))
    return _("取值无效。")


def _pydantic_field(error: dict) -> str:
    names = [part for part in error.get("loc", ()) if isinstance(part, str)]
    return names[-1] if names else "__all__"


@api.exception_handler(NinjaValidationError)
def request_invalid(request: HttpRequest, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        messages = errors.setdefault(_pydantic_field(error), [])
        message = _pydantic_message(error)
        if message not in messages:
            messages.append(message)
    return _error(request, 422, _("提交的数据有误。"), errors)


@api.exception_handler(DjangoValidationError)
def service_invalid(request: HttpRequest, exc: DjangoValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(
        request, 422, _("提交的数据有误。"), {field: [str(m) for m in msgs] for field, msgs in errors.items()}
    )


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
@api.exception_handler(ValueError)
def out_of_range(request: HttpRequest, exc: Exception):
    # A number the database or the calendar cannot hold (an id beyond 64 bits, year 0) is the
    # client's error: bad input never answers 5xx.
    return _error(request, 422, _("提交的数据有误。"), {"__all__": [_("数值超出允许范围。")]})


@api.exception_handler(ConcurrentEditError)
def concurrent_edit(request: HttpRequest, exc: ConcurrentEditError):
    return _error(request, 409, str(exc), current_version=exc.current)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):
    from apps.audit.models import SecurityEventKind
    from apps.audit.services import security_event_write

    user = getattr(request, "auth", None) or getattr(request, "user", None)
    security_event_write(
        kind=SecurityEventKind.ACCESS_DENIED,
        user=user if user is not None and user.is_authenticated else None,
        detail={"path": request.path[:200], "method": request.method},
    )
    return _error(request, 403, str(exc) or _("您无权执行此操作。"))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return _error(request, 404, _("对象不存在或不在您的权限范围内。"))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    response = _error(request, 401, _("请先登录或提供有效的 API 令牌。"))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    messages = {400: _("请求体不是有效的 JSON。")}
    default = _("请求过于频繁，请稍后再试。") if exc.status_code == 429 else ""
    return _error(request, exc.status_code, messages.get(exc.status_code) or str(exc) or default)


api.add_router("/projects", projects_router)
api.add_router("/reports", reporting_router)
api.add_router("/imports", imports_router)
api.add_router("/exports", exports_router)
api.add_router("/problems", problems_router)
api.add_router("/letters", letters_router)
api.add_router("/meetings", meetings_router)
api.add_router("/supervised-actions", actions_router)
api.add_router("/", regions_router)
api.add_router("/", statistics_router)
api.add_router("/approvals", approvals_router)
api.add_router("/workdays", workdays_router)
api.add_router("/lights", lights_router)
api.add_router("/light-rules", rules_router)
api.add_router("/assessments", assessments_router)
api.add_router("/allocations", allocations_router)
api.add_router("/funding", funding_router)
api.add_router("/bonds", bonds_router)
api.add_router("/investment-leads", attraction_router)
api.add_router("/bulletins", bulletins_router)
api.add_router("/reserve", reserve_router)
