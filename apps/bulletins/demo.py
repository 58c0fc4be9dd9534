"""Demo bulletins: last month's monthly bulletin published (drafted by the city
administrator, reviewed and signed by a second administrator, 张伟, who can also sign the
next ones) and a draft of the current half month. Demo-sized sets only, like the problems
demo; an initial load, so no change records (the seed writes none)."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation

from apps.accounts.models import Role, User
from apps.documents.gbt9704 import document_number
from apps.documents.pdf import docx_to_pdf
from apps.regions.models import Region, RegionLevel

from . import render
from .content import bulletin_content, default_requirements
from .models import Bulletin, BulletinCounter, BulletinKind, BulletinStatus
from .periods import period_make
from .snapshot import snapshot_take

MAX_PROJECTS = 5000
SIGNER = "signer"


def generate_bulletins_if_small(*, projects: int, today: datetime.date, password: str) -> int:
    if projects > MAX_PROJECTS:
        return 0
    admin = User.objects.filter(username="admin").first()
    city = Region.objects.filter(level=RegionLevel.CITY, pk=admin.region_id).first() if admin else None
    if admin is None or city is None:
        return 0
    signer = User.objects.filter(username=SIGNER).first() or User.objects.create(
        username=SIGNER,
        password=make_password(password),
        first_name="张伟",
        role=Role.CITY_ADMIN,
        region=city,
        organisation=admin.organisation,
        email=f"{SIGNER}@demo.example.cn",
    )
    # Like the rest of the seed, an initial load: written directly (no change records), with
    # the snapshot, text and files the services would make.
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        monthly_period = period_make(kind=BulletinKind.MONTH, year=year, month=month)
        data = snapshot_take(user=admin, region=city, period=monthly_period)
        requirements = default_requirements(data)
        reference = document_number(render.number_prefix(data), today.year, 1)
        images = render.bulletin_charts(data)
        docx = render.bulletin_docx(
            data, requirements=requirements, reference=reference, signed_on=today, chart_images=images
        )
        xlsx = render.bulletin_xlsx(data, requirements=requirements, chart_images=images)
        Bulletin.objects.create(
            region=city,
            kind=BulletinKind.MONTH,
            year=year,
            month=month,
            title=bulletin_content(data, requirements="").title,
            status=BulletinStatus.PUBLISHED,
            snapshot=data,
            requirements=requirements,
            number=1,
            reference=reference,
            drafted_by=admin,
            drafted_at=now,
            reviewed_by=signer,
            reviewed_at=now,
            signed_by=signer,
            published_on=today,
            docx=docx,
            xlsx=xlsx,
            pdf=docx_to_pdf(docx),
        )
        BulletinCounter.objects.create(region=city, year=today.year, last_number=1)
        half = 1 if today.day <= 15 else 2
        half_period = period_make(kind=BulletinKind.HALF_MONTH, year=today.year, month=today.month, half=half)
        draft = snapshot_take(user=admin, region=city, period=half_period)
        Bulletin.objects.create(
            region=city,
            kind=BulletinKind.HALF_MONTH,
            year=today.year,
            month=today.month,
            half=half,
            title=bulletin_content(draft, requirements="").title,
            snapshot=draft,
            requirements=default_requirements(draft),
            drafted_by=admin,
            drafted_at=now,
        )
    return 2
