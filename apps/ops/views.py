from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when this process can serve, 503 otherwise; JSON details."""
    healthy, report = health_report(strict=request.GET.get("strict") == "1")
    response = JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
    if not healthy:
        response["Retry-After"] = "10"
    return response
