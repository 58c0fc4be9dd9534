"""The Word document of a letter (交办函 / 提醒函 / 督办函), made by the shared 公文 machinery
(apps.documents, GB/T 9704): the issuer's red header, the number, the title, the
addressee, the matter and deadline, then the issuer and date."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from apps.documents.gbt9704 import DOCX_CONTENT_TYPE, OfficialDocument, chinese_date


def letter_docx(letter) -> bytes:
    document = OfficialDocument(
        title=letter.title,
        issuer=letter.issuer_name,
        number=letter.reference,
        addressee=letter.addressee.name,
        created=letter.issued_on,
    )
    document.paragraph(letter.matter)
    document.paragraph(
        _("请于%(deadline)s前将办理情况书面反馈%(issuer)s。")
        % {"deadline": chinese_date(letter.deadline), "issuer": letter.issuer_name}
    )
    document.paragraph(
        _("项目：%(project)s；问题类型：%(type)s。")
        % {"project": letter.problem.project.name, "type": letter.problem.get_problem_type_display()}
    )
    document.signature(letter.issuer_name, letter.issued_on)
    return document.to_bytes()


DOCX = DOCX_CONTENT_TYPE


def letter_document_response(letter) -> HttpResponse:
    """The stored .docx of a letter as a download (page and API alike)."""
    response = HttpResponse(bytes(letter.document), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"letter-{letter.year}-{letter.kind}-{letter.number}.docx"
    )
    return response
