"""The 资金挂钩分配 pages: the plans (and a new plan), a plan's explained shares beside the
equal split, adjustments, approval and the .xlsx table. Views declare and delegate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.assessment.selectors import run_queryset
from apps.assessment.views import attempt, show_refusal
from apps.exports.views import file_response

from . import selectors, services
from .factors import LABELS
from .models import Method, Status, plan_scope_q


@login_required
def plan_list(request):
    if plan_scope_q(request.user, "view") is None:
        raise Http404
    can_change = plan_scope_q(request.user, "change") is not None
    return render(
        request,
        "allocation/list.html",
        {
            "plans": list(selectors.plan_queryset(user=request.user)),
            "can_change": can_change,
            "runs": list(run_queryset(user=request.user).filter(status="published")) if can_change else [],
            "factors": list(LABELS.items()),
            "methods": Method.choices,
        },
    )


@login_required
@require_POST
def plan_create(request):
    post = request.POST
    method = post.get("method", "")
    factors = [
        {"key": key, "weight": post.get(f"weight_{key}")} for key in LABELS if post.get(f"weight_{key}", "").strip()
    ]
    tiers = []
    for index in range(1, 5):
        up_to, coefficient = post.get(f"tier_rank_{index}", "").strip(), post.get(f"tier_coef_{index}", "").strip()
        if up_to or coefficient:
            tiers.append({"up_to_rank": int(up_to) if up_to.isdigit() else up_to, "coefficient": coefficient})
    run_id = post.get("assessment_run") or ""
    try:
        if request.user.region is None:
            raise PermissionDenied(_("只有市发改委管理员可以测算和调整资金分配方案。"))
        plan = services.plan_create(
            actor=request.user,
            region=request.user.region,
            year=int(post.get("year") or 0),
            title=post.get("title", ""),
            amount=post.get("amount", ""),
            method=method,
            base_share=post.get("base_share") or "0",
            factors=factors if method == Method.FACTORS else None,
            tiers=tiers if method == Method.TIERS else None,
            assessment_run_id=int(run_id) if run_id.isdigit() else None,
        )
        messages.success(request, _("已测算，请核对各县区分配额。"))
        return redirect("allocation:detail", pk=plan.pk)
    except ValueError:
        messages.error(request, _("请填写有效的年度。"))
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    return redirect("allocation:list")


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    shares = selectors.plan_shares(user=request.user, plan=plan)
    can_change = plan.status == Status.DRAFT and plan_scope_q(request.user, "change") is not None
    return render(
        request,
        "allocation/detail.html",
        {
            "plan": plan,
            "shares": shares,
            "columns": selectors.factor_columns(plan),
            "can_change": can_change,
            "total_final": sum(share.final for share in shares),
        },
    )


@login_required
@require_POST
def share_adjust(request, pk: int, share_id: int | None = None):
    """One county's adjustment (the county from the URL, or from the form's `share`)."""
    if share_id is None:
        share_id = int(request.POST["share"]) if request.POST.get("share", "").isdigit() else 0
    share = selectors.share_get(user=request.user, pk=share_id)
    if share.plan_id != pk:
        raise Http404
    attempt(
        request,
        lambda: services.share_adjust(
            actor=request.user,
            share=share,
            adjustment=request.POST.get("adjustment", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("已调整。"),
    )
    return redirect("allocation:detail", pk=pk)


@login_required
@require_POST
def plan_approve(request, pk: int):
    plan = selectors.plan_get(user=request.user, pk=pk)
    attempt(request, lambda: services.plan_approve(actor=request.user, plan=plan), _("已审定，方案已冻结。"))
    return redirect("allocation:detail", pk=pk)


@login_required
def plan_export(request, pk: int):
    return file_response(services.plan_export(actor=request.user, plan_id=pk, params=request.GET))
