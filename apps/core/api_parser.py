"""The API's request parser: JSON and query strings are checked for characters no text
field may hold (NUL, which PostgreSQL refuses, and lone surrogates, which no encoding can
write) before any endpoint runs, and refused with the field's name."""

import json

from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser


def unstorable_text(value) -> bool:
    if not isinstance(value, str):  # uploaded files come through here too
        return False
    return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)


def _walk(value, path):
    if isinstance(value, str):
        if unstorable_text(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key, path) if isinstance(key, str) and unstorable_text(key) else ()
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))


def _refuse(locations):
    message = _("不能包含空字符（NUL）或无效的 Unicode 字符。")
    raise ValidationError([{"type": "unstorable_text", "loc": loc, "msg": message} for loc in locations])


def unstorable_body_fields(request) -> list[str] | None:
    """Names of the JSON body's fields holding NUL or a lone surrogate (None: not JSON)."""
    if not request.content_type or "json" not in request.content_type or not request.body:
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None  # ninja answers 400 for a body that is not JSON
    names = []
    for path in _walk(data, ()):
        strings = [str(part) for part in path if isinstance(part, str)]
        name = strings[-1] if strings else "__all__"
        if name not in names:
            names.append(name)
    return names


class UnstorableTextMiddleware:
    """Refuses an API request whose JSON body holds text no field can store (ninja's parser
    turns any error of its own into a bare 400, so the check runs before it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
            from django.core.exceptions import RequestDataTooBig

            try:
                names = unstorable_body_fields(request)
            except RequestDataTooBig:
                names = None  # answered 413 by the API's handler
            if names:
                from django.http import JsonResponse

                message = _("不能包含空字符（NUL）或无效的 Unicode 字符。")
                return JsonResponse(
                    {"detail": _("提交的数据有误。"), "errors": {name: [message] for name in names}}, status=422
                )
        return self.get_response(request)


class StrictParser(Parser):
    def parse_querydict(self, data, list_fields, request):
        bad = [("query", key) for key, values in data.lists() for value in [key, *values] if unstorable_text(value)]
        if bad:
            _refuse(bad)
        return super().parse_querydict(data, list_fields, request)
