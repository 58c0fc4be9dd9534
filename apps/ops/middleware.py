"""503 while the database is unreachable, instead of a 500 (or, with DEBUG, a traceback
naming the database host).

A view's error reaches `process_exception`; an error raised while another middleware works
(the session saved after the view, say) is turned into a 500 response deeper in the stack,
so `got_request_exception` marks the request and `__call__` replaces that response.
Writes go through `@transaction.atomic` services: a connection lost halfway rolls the
transaction back, so the 503 means "nothing was written".
"""

import json
import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
DATABASE_ERRORS = (OperationalError, InterfaceError)
_MARK = "_kp_database_unavailable"


def database_unavailable_response(request) -> HttpResponse:
    retry_after = settings.DATABASE_UNAVAILABLE_RETRY_AFTER
    message = _("数据库暂时无法访问，请稍后重试。您刚才的操作没有保存任何数据。")
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps({"detail": message, "retry_after": retry_after}, ensure_ascii=False),
            status=503,
            content_type="application/json; charset=utf-8",
        )
    else:
        # No request context: the usual context processors would query the database again.
        response = HttpResponse(render_to_string("ops/503.html", {"retry_after": retry_after}), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception)
def _mark_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, _MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable on %s: %s", request.path, exception)
            return database_unavailable_response(request)
        return None
