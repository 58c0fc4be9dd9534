"""Reserve pages. Views declare and delegate: reads through selectors, writes through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import ConcurrentEditError
from apps.core.forms import LoadedVersionForm, saved_through_service
from apps.problems.models import Meeting, MeetingKind
from apps.projects.forms import apply_service_errors
from apps.regions.models import Organisation, OrganisationKind

from . import selectors, services
from .forms import DecisionForm, PromoteForm, ReasonForm, ReserveForm, ReviewForm
from .models import ReviewStatus

PAGE_SIZE = settings.PROJECTS_PAGE_SIZE


@login_required
def reserve_list(request):
    user = request.user
    filterset = selectors.reserve_filterset(user=user, params=request.GET, request=request)
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filterset": filterset,
        "page": page,
        "count": page.paginator.count,
        "can_propose": user.role in services.PROPOSERS,
    }
    return render(request, "reserve/list.html", context)


@login_required
def figures(request):
    year = timezone.localdate().year
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        year = int(asked)
    data = selectors.reserve_figures(user=request.user, year=year)
    return render(request, "reserve/figures.html", {"figures": data})


@login_required
def reserve_create(request):
    user = request.user
    if user.role not in services.PROPOSERS:
        raise PermissionDenied(_("您的角色不能登记谋划项目。"))
    form = ReserveForm(request.POST or None, user=user, initial={"proposed_on": timezone.localdate()})
    item = saved_through_service(
        request,
        form,
        lambda: services.reserve_propose(
            actor=user,
            fields={
                k: v for k, v in form.cleaned_data.items() if k != "version" and not (k == "proposer" and v is None)
            },
        ),
        success=_("谋划项目已登记，待初审。"),
    )
    if item is not None:
        return redirect("reserve:detail", pk=item.pk)
    return render(request, "reserve/form.html", {"form": form, "item": None})


@login_required
def reserve_edit(request, pk: int):
    item = selectors.reserve_get(user=request.user, pk=pk, action="change")
    form = ReserveForm(request.POST or None, instance=item, user=request.user)

    def save():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        return services.reserve_update(
            actor=request.user, pk=item.pk, fields=fields, expected_version=form.cleaned_data["version"]
        )

    if saved_through_service(request, form, save, success=_("已保存。")) is not None:
        return redirect("reserve:detail", pk=item.pk)
    return render(request, "reserve/form.html", {"form": form, "item": item})


def _review_meetings(user):
    return Meeting.objects.restrict(user, "change").filter(kind=MeetingKind.DEPARTMENT_REVIEW).order_by("-held_on")


def _context(request, item, bound=None, step=None):
    user = request.user
    # Every step but a meeting decision changes the project: its forms carry the loaded version.
    loaded = {"version": item.version}
    forms = {
        "first_review": ReviewForm(bound if step == "first_review" else None, initial=loaded),
        "final_review": ReviewForm(bound if step == "final_review" else None, initial=loaded),
        "resubmit": LoadedVersionForm(bound if step == "resubmit" else None, initial=loaded),
        "withdraw": ReasonForm(bound if step == "withdraw" else None, initial=loaded),
        "restore": LoadedVersionForm(bound if step == "restore" else None, initial=loaded),
        "promote": PromoteForm(
            bound if step == "promote" else None, initial={**loaded, "year": timezone.localdate().year + 1}
        ),
        "decision": DecisionForm(bound if step == "decision" else None, meetings=_review_meetings(user)),
    }
    can = {
        "change": selectors.reserve_can(user=user, item=item, action="change"),
        "first_review": item.status == ReviewStatus.SUBMITTED
        and selectors.reserve_can(user=user, item=item, action="first_review"),
        "final_review": item.status == ReviewStatus.FIRST_REVIEWED
        and selectors.reserve_can(user=user, item=item, action="final_review"),
    }
    government = user.role in services.project_services.PROJECT_CREATORS and can["change"]
    return {
        "item": item,
        "forms": forms,
        "can": can,
        "can_withdraw": government and item.status == ReviewStatus.ADMITTED,
        "can_restore": government and item.status == ReviewStatus.WITHDRAWN,
        "can_promote": government and item.status == ReviewStatus.ADMITTED,
        "can_resubmit": can["change"] and item.status == ReviewStatus.RETURNED,
        "can_decide": government and _review_meetings(user).exists(),
        "actions": item.supervised_actions.select_related("owner", "meeting"),
        "open_step": step,
    }


@login_required
def reserve_detail(request, pk: int):
    item = selectors.reserve_get(user=request.user, pk=pk)
    return render(request, "reserve/detail.html", _context(request, item))


STEPS = ("first_review", "final_review", "resubmit", "withdraw", "restore", "promote", "decision")


@login_required
@require_POST
def reserve_step(request, pk: int, step: str):
    user = request.user
    item = selectors.reserve_get(user=user, pk=pk)
    context = _context(request, item, bound=request.POST, step=step)
    form = context["forms"].get(step)
    if form is not None and not form.is_valid():
        return render(request, "reserve/detail.html", context, status=422)
    data = dict(form.cleaned_data) if form is not None else {}
    version = data.pop("version", None)
    try:
        if step == "first_review":
            services.reserve_first_review(actor=user, pk=pk, expected_version=version, **data)
        elif step == "final_review":
            services.reserve_final_review(actor=user, pk=pk, expected_version=version, **data)
        elif step == "resubmit":
            services.reserve_resubmit(actor=user, pk=pk, expected_version=version)
        elif step == "withdraw":
            services.reserve_withdraw(actor=user, pk=pk, expected_version=version, **data)
        elif step == "restore":
            services.reserve_restore(actor=user, pk=pk, expected_version=version)
        elif step == "promote":
            services.reserve_promote(actor=user, pk=pk, expected_version=version, **data)
        elif step == "decision":
            services.reserve_review_decision(
                actor=user,
                pk=pk,
                meeting_id=data["meeting"].pk,
                decision=data["decision"],
                owner=data["owner"],
                deadline=data["deadline"],
            )
    except ValidationError as error:
        if form is not None:
            apply_service_errors(form, error)
        else:
            messages.error(request, " ".join(error.messages))
            return redirect("reserve:detail", pk=pk)
        return render(request, "reserve/detail.html", context, status=422)
    except ConcurrentEditError as error:
        form.add_error(None, str(error))
        return render(request, "reserve/detail.html", context, status=409)
    messages.success(request, _("已办理。"))
    return redirect("reserve:detail", pk=pk)


@login_required
def department_review(request):
    """The department half-day review: pick a department, see its planned projects by maturity."""
    departments = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, reserve_projects__isnull=False)
    if request.user.role == "department_user":
        departments = departments.filter(pk=request.user.organisation_id)
    departments = departments.distinct().order_by("name")
    chosen = request.GET.get("department")
    review = None
    if chosen and chosen.isdigit():
        department = get_object_or_404(departments, pk=int(chosen))
        review = selectors.department_review(user=request.user, department=department)
    context = {"departments": departments, "review": review, "meetings": _review_meetings(request.user)[:10]}
    return render(request, "reserve/department_review.html", context)
