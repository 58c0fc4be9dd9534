"""Progress photos: uploaded from the report page (camera input), checked by content,
stored without EXIF/GPS, scoped like the report, shown on the report and project pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.reporting.models import ReportPhoto, ReportStatus

from .conftest import make_report

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (34.0, 21.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(client, report, *files, caption="路基施工"):
    return client.post(reverse("reporting:photo_add", args=[report.pk]), {"photos": list(files), "caption": caption})


def test_owner_attaches_a_camera_photo_stored_without_gps_and_recorded(client, world, period):
    report = make_report(world.p_a, status=ReportStatus.SUBMITTED)
    client.force_login(world.users[Role.OWNER_REPORTER])
    page = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert 'accept="image/*" capture="environment"' in page

    response = upload(client, report, SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg"))
    assert response.status_code == 302
    photo = ReportPhoto.objects.get(report=report)
    stored = Image.open(io.BytesIO(bytes(photo.image)))
    assert stored.format == "JPEG" and not stored.getexif()  # no GPS, no camera
    assert max(Image.open(io.BytesIO(bytes(photo.thumbnail))).size) <= 360
    record = ChangeRecord.objects.get(object_id=photo.pk, content_type__model="reportphoto")
    assert record.project_id == world.p_a.pk and "image" not in record.after

    # Shown on the report and on the project page; the bytes are served to whoever sees the project.
    assert (
        reverse("reporting:photo_thumb", args=[photo.pk])
        in client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    )
    assert (
        reverse("reporting:photo_thumb", args=[photo.pk])
        in client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    )
    served = client.get(reverse("reporting:photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "name, data",
    [
        ("report.pdf", b"%PDF-1.4 not an image"),
        ("fake.jpg", b"\xff\xd8\xff\xe0 truncated"),
        ("script.png", b"<svg onload=alert(1)>"),
    ],
)
def test_non_images_are_refused_in_chinese_and_nothing_is_written(client, world, period, name, data):
    report = make_report(world.p_a, status=ReportStatus.SUBMITTED)
    client.force_login(world.users[Role.OWNER_REPORTER])
    good = SimpleUploadedFile("ok.jpg", jpeg_with_gps(), "image/jpeg")
    response = upload(client, report, good, SimpleUploadedFile(name, data, "image/jpeg"), caption="")
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("不是图片文件" in message and name in message for message in messages), messages
    assert ReportPhoto.objects.count() == 0  # the good one of the same upload is not kept either
    assert not ChangeRecord.objects.filter(content_type__model="reportphoto").exists()


def test_photos_follow_the_report_scope_and_lock(client, world, period):
    report = make_report(world.p_a, status=ReportStatus.SUBMITTED)
    client.force_login(world.users[Role.OWNER_REPORTER])
    upload(client, report, SimpleUploadedFile("a.png", jpeg_with_gps(), "image/png"))
    photo = ReportPhoto.objects.get()

    other = make_report(world.p_c, status=ReportStatus.SUBMITTED)
    assert upload(client, other, SimpleUploadedFile("b.jpg", jpeg_with_gps())).status_code == 404

    client.force_login(world.users[Role.OWNER_REPORTER])
    report.status = ReportStatus.VERIFIED
    report.save()
    upload(client, report, SimpleUploadedFile("c.jpg", jpeg_with_gps()))
    assert ReportPhoto.objects.count() == 1  # locked: refused

    # A user who does not see the project gets 404 for the photo's bytes.
    client.force_login(_owner_of_other_unit(world))
    assert client.get(reverse("reporting:photo", args=[photo.pk])).status_code == 404


def _owner_of_other_unit(world):
    from tests import factories as f

    return f.UserFactory(username="owner_b", role=Role.OWNER_REPORTER, organisation=world.other_owner)
