"""Small pieces the API routers share."""

from django.utils.translation import gettext as _
from ninja import Schema, Status

MAX_LIMIT = 500
# Far beyond any list we hold, far below the 64-bit integers the databases accept.
MAX_OFFSET = 1_000_000_000


def invalid_filters(filterset) -> Status:
    """400 with the FilterSet's errors per parameter."""
    return Status(
        400,
        {
            "detail": _("筛选条件有误。"),
            "errors": {field: [str(m) for m in messages] for field, messages in filterset.errors.items()},
        },
    )


def page_bounds(limit: int, offset: int, max_limit: int = MAX_LIMIT) -> tuple[int, int]:
    """A limit in 1..max_limit (larger is capped, not refused) and a non-negative offset;
    an offset past MAX_OFFSET is refused (422 naming the field), not sent to the database."""
    if offset > MAX_OFFSET:
        from django.core.exceptions import ValidationError

        raise ValidationError({"offset": [_("偏移量不能大于 %(max)s。") % {"max": MAX_OFFSET}]})
    return min(max(limit, 1), max_limit), max(offset, 0)


class Paging(Schema):
    limit: int = 50
    offset: int = 0


def page_of(queryset, paging: Paging, items=list) -> dict:
    """One page of a list answer (count, limit, offset, items); `items` turns the page's
    slice into its rows (e.g. with what each row reads loaded)."""
    limit, offset = page_bounds(paging.limit, paging.offset)
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": items(queryset[offset : offset + limit]),
    }


def filtered_page(filterset, paging: Paging, items=list):
    """A FilterSet's page of rows, or 400 with its errors per parameter."""
    if not filterset.is_valid():
        return invalid_filters(filterset)
    return page_of(filterset.qs, paging, items)


def reference(model, pk: int | None, field: str, **where):
    """The row `pk` of `model` an input refers to, None for no reference, or a 422 naming the field."""
    from django.core.exceptions import ValidationError

    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **where).first()
    if obj is None:
        raise ValidationError({field: _("所选对象不存在。")})
    return obj
