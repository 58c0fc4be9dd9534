"""Leaders in charge and on site: the departments a city leader is in charge of (分管), and
the leader's site visits (现场调度) with what was found, the problems raised on the spot and
the decisions taken. The brief covers the leader's own projects and those led by the
departments in their charge, and lists recent and due visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentCharge(models.Model):
    """One department in a city leader's charge (分管)."""

    person = models.ForeignKey(
        "regions.Person",
        verbose_name=_("市级领导"),
        on_delete=models.CASCADE,
        related_name="department_charges",
        limit_choices_to={"is_city_leader": True},
    )
    department = models.ForeignKey(
        "regions.Organisation",
        verbose_name=_("分管部门"),
        on_delete=models.CASCADE,
        related_name="leader_charges",
        limit_choices_to={"kind": "department"},
    )

    class Meta:
        verbose_name = _("分管部门")
        verbose_name_plural = _("分管部门")
        constraints = [models.UniqueConstraint(fields=["person", "department"], name="department_charge_once")]

    def __str__(self):
        return f"{self.person} · {self.department}"


class SiteVisit(models.Model):
    """A leader's visit to project sites: planned (not yet done) or held."""

    person = models.ForeignKey(
        "regions.Person", verbose_name=_("市级领导"), on_delete=models.PROTECT, related_name="site_visits"
    )
    visited_on = models.DateField(_("调度日期"))
    done = models.BooleanField(_("已开展"), default=False)
    projects = models.ManyToManyField("projects.Project", verbose_name=_("调度项目"), related_name="site_visits")
    attendees = models.TextField(_("参加人员"), blank=True)
    findings = models.TextField(_("发现的问题和情况"), blank=True)
    decisions = models.TextField(_("现场议定事项"), blank=True)
    problems = models.ManyToManyField(
        "problems.Problem", verbose_name=_("现场提出的问题"), blank=True, related_name="site_visits"
    )
    # The meeting record (a 专题会议 chaired by the leader) that holds the decisions taken on
    # site as supervised actions; made with the first decision.
    meeting = models.OneToOneField(
        "problems.Meeting",
        verbose_name=_("督办会议记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="site_visit",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场调度")
        verbose_name_plural = _("现场调度")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.person} {self.visited_on}"
