"""Demo bulletins: last month's monthly bulletin published (drafted by the city
administrator, reviewed and signed by a second administrator, 张伟) and a draft of the
current half month. Demo-sized sets only, like the problems demo."""

import datetime

from django.contrib.auth.hashers import make_password

from apps.accounts.models import Role, User
from apps.regions.models import Region, RegionLevel

from . import services
from .models import BulletinKind

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
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    monthly = services.bulletin_draft(actor=admin, region=city, kind=BulletinKind.MONTH, year=year, month=month)
    services.bulletin_submit(actor=admin, bulletin_id=monthly.pk)
    services.bulletin_review(actor=signer, bulletin_id=monthly.pk)
    services.bulletin_sign(actor=signer, bulletin_id=monthly.pk)
    half = 1 if today.day <= 15 else 2
    services.bulletin_draft(
        actor=admin, region=city, kind=BulletinKind.HALF_MONTH, year=today.year, month=today.month, half=half
    )
    return 2
