from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import ChangeAction
from .selectors import change_record_list, change_views


@login_required
def change_list(request):
    filters = {
        "action": request.GET.get("action") if request.GET.get("action") in ChangeAction.values else None,
        "request_id": request.GET.get("request_id", "").strip(),
        "user_name__icontains": request.GET.get("user", "").strip(),
        "time__date__gte": request.GET.get("date_from") or None,
        "time__date__lte": request.GET.get("date_to") or None,
    }
    page = Paginator(change_record_list(user=request.user, filters=filters), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/change_list.html",
        {"page": page, "views": change_views(page.object_list), "actions": ChangeAction.choices},
    )
