"""Pages: the list (with unread markers and the drafting form), a bulletin's preview with
its steps and files. Thin: reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.exceptions import ConcurrentEditError

from . import selectors, services
from .api import file_response
from .content import bulletin_content
from .forms import DraftForm, RequirementsForm
from .models import BULLETIN_EDITORS, BulletinStatus

PAGE_SIZE = 30


def _error_text(error: ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


@login_required
def bulletin_list(request):
    user = request.user
    bulletins = selectors.bulletin_queryset(user=user)
    page = Paginator(bulletins, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    can_draft = user.role in BULLETIN_EDITORS and user.region_id is not None
    form = DraftForm(initial={"kind": "month", "year": today.year, "month": today.month}) if can_draft else None
    return render(
        request,
        "bulletins/list.html",
        {"page": page, "form": form, "unread": selectors.bulletin_unread_count(user=user)},
    )


@login_required
@require_POST
def bulletin_create(request):
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("bulletins:list")
    region = selectors.bulletin_region_get(user=request.user, region_id=None)
    try:
        bulletin = services.bulletin_draft(actor=request.user, region=region, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error) if isinstance(error, ValidationError) else str(error))
        return redirect("bulletins:list")
    messages.success(request, _("已根据当前数据生成通报草稿，数据已冻结。"))
    return redirect("bulletins:detail", pk=bulletin.pk)


@login_required
def bulletin_detail(request, pk: int):
    user = request.user
    bulletin = selectors.bulletin_get(user=user, pk=pk)
    services.bulletin_mark_read(actor=user, bulletin=bulletin)
    can_change = selectors.bulletin_can_change(user=user, bulletin=bulletin)
    content = bulletin_content(bulletin.snapshot, requirements=bulletin.requirements)
    is_drafter = bulletin.drafted_by_id == user.pk
    context = {
        "bulletin": bulletin,
        "content": content,
        "can_edit": can_change and bulletin.status == BulletinStatus.DRAFT,
        "can_submit": can_change and bulletin.status == BulletinStatus.DRAFT,
        "can_review": can_change and bulletin.status == BulletinStatus.IN_REVIEW and not is_drafter,
        "can_sign": can_change and bulletin.status == BulletinStatus.REVIEWED and not is_drafter,
        "requirements_form": RequirementsForm(
            initial={"requirements": bulletin.requirements, "version": bulletin.version}
        ),
        "has_pdf": bulletin.is_published and bulletin.pdf is not None,
    }
    return render(request, "bulletins/detail.html", context)


@login_required
@require_POST
def bulletin_requirements(request, pk: int):
    form = RequirementsForm(request.POST)
    if form.is_valid():
        try:
            services.bulletin_update(
                actor=request.user,
                bulletin_id=pk,
                requirements=form.cleaned_data["requirements"],
                version=form.cleaned_data["version"],
            )
            messages.success(request, _("下步要求已保存。"))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except ConcurrentEditError as error:
            messages.error(request, str(error))
    else:  # the only field that can be invalid is the hidden version
        messages.error(request, _("修改时必须提交编辑时加载的版本号。"))
    return redirect("bulletins:detail", pk=pk)


STEP_MESSAGES = {
    "submit": gettext_lazy("已送审。"),
    "review": gettext_lazy("已审核，待签发。"),
    "return": gettext_lazy("已退回起草人。"),
    "sign": gettext_lazy("已签发并发布。"),
}


@login_required
@require_POST
def bulletin_step(request, pk: int, step: str):
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    try:
        if step == "submit":
            services.bulletin_submit(actor=request.user, bulletin_id=pk, version=version)
        elif step == "review":
            services.bulletin_review(actor=request.user, bulletin_id=pk, version=version)
        elif step == "return":
            services.bulletin_return(
                actor=request.user, bulletin_id=pk, reason=request.POST.get("reason", ""), version=version
            )
        else:
            services.bulletin_sign(actor=request.user, bulletin_id=pk, version=version)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except (PermissionDenied, ConcurrentEditError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, STEP_MESSAGES[step])
    return redirect("bulletins:detail", pk=pk)


@login_required
def bulletin_file(request, pk: int, fmt: str):
    return file_response(selectors.bulletin_get(user=request.user, pk=pk), fmt)
