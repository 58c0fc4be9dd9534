from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from apps.documents.gbt9704 import DOCX_CONTENT_TYPE
from apps.documents.pdf import libreoffice_path
from apps.projects import selectors as project_selectors
from apps.projects.forms import apply_service_errors

from . import render as brief_render
from . import selectors, services
from .forms import SiteVisitForm, SiteVisitUpdateForm, VisitDecisionForm


def _period(request):
    def number(name, low, high):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and low <= int(value) <= high else None

    year, month = number("year", 2000, 2100), number("month", 1, 12)
    return (year, month) if year and month else (None, None)


@login_required
def brief_index(request):
    leaders = selectors.brief_leaders(user=request.user)
    if len(leaders) == 1:
        return redirect("briefs:person", person_id=leaders[0].pk)
    return render(request, "briefs/index.html", {"leaders": leaders})


@login_required
def brief_person(request, person_id: int):
    person = selectors.brief_person_get(user=request.user, person_id=person_id)
    year, month = _period(request)
    brief = selectors.brief_get(user=request.user, person=person, year=year, month=month)
    return render(
        request,
        "briefs/brief.html",
        {
            "brief": brief,
            "sentences": brief_render.summary_sentences(brief),
            "today": timezone.localdate(),
            # A PDF is offered only where LibreOffice can make one (else the link would be dead).
            "has_pdf": libreoffice_path() is not None,
        },
    )


@login_required
def brief_file(request, person_id: int, fmt: str):
    from django.http import Http404

    person = selectors.brief_person_get(user=request.user, person_id=person_id)
    year, month = _period(request)
    brief = selectors.brief_get(user=request.user, person=person, year=year, month=month)
    data = brief_render.brief_docx(brief, day=timezone.localdate())
    content_type = DOCX_CONTENT_TYPE
    if fmt == "pdf":
        data = brief_render.brief_pdf(data)
        if data is None:
            raise Http404("未安装 LibreOffice，无法生成 PDF。")
        content_type = "application/pdf"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"领导简报-{person.name}-{brief.year}-{brief.month:02d}.{fmt}"
    )
    return response


# --- site visits (现场调度) ---------------------------------------------------------------


def _call_service(request, form, message: str, call):
    """Run a service write; its refusal goes onto the form's fields, success says `message`.
    Returns what the service returned, or None when it refused."""
    try:
        result = call()
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, message)
    return result


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def visit_list(request):
    visits = (
        selectors.site_visit_queryset(user=request.user)
        .select_related("person")
        .prefetch_related("projects")
        .order_by("-visited_on", "-pk")
    )
    page = Paginator(visits, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "briefs/visits.html",
        {"page": page, "can_record": request.user.role in services.RECORDERS, "today": timezone.localdate()},
    )


@login_required
def visit_create(request):
    if request.user.role not in services.RECORDERS:
        raise PermissionDenied(_("只有市发改委管理员和县区用户可以记录现场调度。"))
    projects = project_selectors.project_queryset(user=request.user)
    initial = {"visited_on": timezone.localdate(), "done": True}
    project_id = request.GET.get("project", "")
    if project_id.isdigit():
        project = projects.filter(pk=int(project_id)).values_list("project_code", flat=True).first()
        if project:
            initial["projects"] = project
    form = SiteVisitForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = _call_service(
            request,
            form,
            _("现场调度已记录。"),
            lambda: services.site_visit_record(
                actor=request.user,
                person=data["person"],
                visited_on=data["visited_on"],
                project_ids=data["projects"],
                done=data["done"],
                attendees=data["attendees"],
                findings=data["findings"],
                decisions=data["decisions"],
            ),
        )
        if visit is not None:
            return redirect("briefs:visit", pk=visit.pk)
    return render(request, "briefs/visit_form.html", {"form": form})


@login_required
def visit_detail(request, pk: int):
    user = request.user
    visit = selectors.site_visit_get(user=user, pk=pk)
    can_change = selectors.site_visit_queryset(user=user, action="change").filter(pk=visit.pk).exists()
    visit_projects = list(project_selectors.project_queryset(user=user).filter(site_visits=visit).order_by("name"))
    update_form = SiteVisitUpdateForm(
        initial={
            "done": visit.done,
            "attendees": visit.attendees,
            "findings": visit.findings,
            "decisions": visit.decisions,
        }
    )
    decision_form = VisitDecisionForm(visit_projects=visit_projects)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("您无权修改该现场调度记录。"))
        if "decide" in request.POST:
            decision_form = VisitDecisionForm(request.POST, visit_projects=visit_projects)
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                action = _call_service(
                    request,
                    decision_form,
                    _("议定事项已列入督办。"),
                    lambda: services.site_visit_decide(
                        actor=user,
                        visit_id=visit.pk,
                        decision=data["decision"],
                        owner=data["owner"],
                        workdays=data["workdays"],
                        project_ids=data["projects"],
                    ),
                )
                if action is not None:
                    return redirect("briefs:visit", pk=visit.pk)
        else:
            update_form = SiteVisitUpdateForm(request.POST)
            if update_form.is_valid():
                services.site_visit_update(actor=user, visit_id=visit.pk, **update_form.cleaned_data)
                messages.success(request, _("现场调度记录已保存。"))
                return redirect("briefs:visit", pk=visit.pk)
            messages.error(request, _form_errors(update_form))
    context = {
        "visit": visit,
        "projects": visit_projects,
        "actions": selectors.site_visit_actions(user=user, visit=visit),
        "can_change": can_change,
        "update_form": update_form,
        "decision_form": decision_form,
    }
    return render(request, "briefs/visit.html", context)
