from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from apps.exports.lists import list_export_response

from .exports import CHANGES, change_filters
from .models import ChangeAction
from .selectors import change_record_list, change_views


@login_required
def change_list(request):
    page = Paginator(change_record_list(user=request.user, filters=change_filters(request.GET)), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "audit/change_list.html",
        {"page": page, "views": change_views(page.object_list), "actions": ChangeAction.choices},
    )


@login_required
def change_export(request, fmt: str):
    records = change_record_list(user=request.user, filters=change_filters(request.GET))
    return list_export_response(request, fmt, queryset=records, layout=CHANGES)
