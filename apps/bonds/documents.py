"""Downloads of the 一案两书 files (pages and API alike)."""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .models import BondDocument

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "ofd": "application/ofd",
}


def document_response(*, user, bond_project_id: int, document_id: int) -> HttpResponse:
    document = (
        BondDocument.objects.restrict(user, "view").filter(pk=document_id, bond_project_id=bond_project_id).first()
    )
    if document is None:
        raise Http404(_("文件不存在或不在您的权限范围内。"))
    extension = document.filename.rsplit(".", 1)[-1].lower()
    response = HttpResponse(
        bytes(document.content), content_type=CONTENT_TYPES.get(extension, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
