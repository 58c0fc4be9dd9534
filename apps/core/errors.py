"""Error answers: Chinese pages for people, JSON for the API (`{"detail": ...}`), never a
traceback (DEBUG is off in production; these are what users see then)."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.template import loader
from django.utils.translation import gettext as _


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _page(request, template: str, status: int, context: dict | None = None):
    from django.http import HttpResponse

    body = loader.get_template(template).render(context or {}, request)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        from django.conf import settings

        message = _("请求体过大（上限 %(mb).1f MB）。") % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576}
        if _is_api(request):
            return JsonResponse({"detail": message}, status=413)
        return _page(request, "400.html", 413, {"message": message})
    if _is_api(request):
        return JsonResponse({"detail": _("请求无效。")}, status=400)
    return _page(request, "400.html", 400)


def permission_denied(request, exception=None):
    from apps.audit.models import SecurityEventKind
    from apps.audit.services import security_event_write

    user = getattr(request, "user", None)
    security_event_write(
        kind=SecurityEventKind.ACCESS_DENIED,
        user=user if user is not None and user.is_authenticated else None,
        detail={"path": request.path[:200], "method": request.method},
    )
    message = str(exception) if exception and str(exception) else _("您的角色无权执行此操作。")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=403)
    return _page(request, "403.html", 403, {"exception": message})


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("对象不存在或不在您的权限范围内。")}, status=404)
    return _page(request, "404.html", 404)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("服务器内部错误，已记录。请稍后重试或联系管理员。")}, status=500)
    # No request context: the page must render even when the error came from the database.
    return _page(request, "500.html", 500)
