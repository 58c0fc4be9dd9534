from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.text import validate_name

from .validators import validate_credit_code, validate_region_code


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")


# GB/T 2260: 2 digits province, 2 city, 2 county. A region's subtree is every code
# sharing its significant prefix.
_PREFIX_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}


class Region(models.Model):
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[validate_region_code])
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def code_prefix(self) -> str:
        return self.code[: _PREFIX_LENGTH[self.level]]

    def subtree(self):
        """This region and every region below it."""
        return Region.objects.filter(code__startswith=self.code_prefix)

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.code_prefix)


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("政府部门")
    OWNER_UNIT = "owner_unit", _("建设单位")
    OTHER = "other", _("其他单位")


class Organisation(models.Model):
    name = models.CharField(_("名称"), max_length=100, validators=[validate_name])
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region")]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == OrganisationKind.OWNER_UNIT and not self.credit_code:
            raise ValidationError({"credit_code": _("建设单位必须填写统一社会信用代码。")})


class Person(models.Model):
    """A named official; city leaders are the 包抓领导 of projects."""

    name = models.CharField(_("姓名"), max_length=30, validators=[validate_name])
    position = models.CharField(_("职务"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT)
    is_city_leader = models.BooleanField(_("市级领导"), default=False)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["-is_city_leader", "name"]

    def __str__(self):
        return f"{self.name}（{self.position}）" if self.position else self.name
