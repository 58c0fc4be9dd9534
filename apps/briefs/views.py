from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from apps.documents.gbt9704 import DOCX_CONTENT_TYPE
from apps.documents.pdf import libreoffice_path

from . import render as brief_render
from . import selectors


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
