"""招商线索清单: the lead list as an official .xlsx (apps/exports writers), grouped by stage,
with the contract, funds and lateness of each lead. Investor contacts never leave in a file."""

from collections import Counter

from django.utils import timezone, translation

from apps.exports.models import ExportFormat, ExportKind
from apps.exports.selectors import file_name, stamp
from apps.exports.services import export_create
from apps.exports.writers import DATE, MONEY, SEQ, Column, Group, Table, chinese_ordinal

from . import selectors
from .models import LeadStage

COLUMNS = [
    Column("序号", "seq", SEQ, 6),
    Column("项目名称", "name", width=28),
    Column("投资方", "investor_name", width=24),
    Column("统一社会信用代码", "investor_credit_code", width=20),
    Column("龙头企业", "leading", width=8),
    Column("投资方来源地", "investor_origin", width=12),
    Column("拟落地县区", "region", width=10),
    Column("行业代码", "industry_code", width=9),
    Column("鼓励类产业", "encouraged", width=8),
    Column("线索来源", "source", width=10),
    Column("招商单位", "attraction_unit", width=16),
    Column("招商责任人", "attraction_person", width=10),
    Column("获取日期", "received_on", DATE, 12),
    Column("阶段", "stage", width=8),
    Column("进入本阶段日期", "stage_since", DATE, 12),
    Column("意向投资", "intended_investment", MONEY, 13, group="投资（万元）", summed=True),
    Column("合同投资额", "contract_amount", MONEY, 13, group="投资（万元）", summed=True),
    Column("到位资金", "funds_arrived", MONEY, 13, group="投资（万元）", summed=True),
    Column("签约日期", "signed_on", DATE, 12),
    Column("时限状态", "late_status", width=12),
    Column("逾期事项", "late_items", width=30),
    Column("项目库项目代码", "project_code", width=24),
    Column("退出原因", "exit_reason", width=16),
]


def lead_list_table(*, user, queryset) -> Table:
    """The leads of `queryset` (already restricted to `user`), grouped by stage in pipeline order."""
    order = {stage.value: index for index, stage in enumerate(LeadStage)}
    leads = sorted(
        selectors.with_lateness(queryset.select_related("project")), key=lambda lead: (order[lead.stage], -lead.pk)
    )
    counts = Counter(lead.stage for lead in leads)
    groups = [
        Group(stage.value, f"{chinese_ordinal(index)}、{stage.label}（{counts[stage.value]}个）", counts[stage.value])
        for index, stage in enumerate((s for s in LeadStage if counts[s.value]), start=1)
    ]

    def rows():
        for lead in leads:
            contract = getattr(lead, "contract", None) if hasattr(lead, "contract") else None
            yield {
                "group": lead.stage,
                "name": lead.name,
                "investor_name": lead.investor_name,
                "investor_credit_code": lead.investor_credit_code,
                "leading": "是" if lead.is_leading_enterprise else "否",
                "investor_origin": lead.investor_origin,
                "region": lead.region.name,
                "industry_code": lead.industry_code,
                "encouraged": "是" if lead.encouraged_industry else "否",
                "source": lead.get_source_display(),
                "attraction_unit": lead.attraction_unit.name,
                "attraction_person": lead.attraction_person,
                "received_on": lead.received_on,
                "stage": lead.get_stage_display(),
                "stage_since": lead.stage_since,
                "intended_investment": lead.intended_investment,
                "contract_amount": contract.amount if contract else None,
                "funds_arrived": lead.funds_arrived if contract else None,
                "signed_on": contract.signed_on if contract else None,
                "late_status": lead.late_status_label,
                "late_items": "；".join(
                    c.message for c in lead.lateness if c.status in ("late", "notice_due", "exit_due")
                ),
                "project_code": (lead.project.project_code or "") if lead.project_id else "",
                "exit_reason": lead.get_exit_reason_display() if lead.exit_reason else "",
            }

    return Table(
        title=f"{selectors.scope_label(user=user)}招商线索清单",
        sheet_name="招商线索",
        columns=COLUMNS,
        rows=rows(),
        groups=groups,
        exported_at=timezone.localtime(),
        defined_names={"KP_KIND": "lead_list"},
    )


def lead_list_export(*, actor, queryset, filters):
    with translation.override("zh-hans"):
        table = lead_list_table(user=actor, queryset=queryset)
        name = file_name("招商线索清单", stamp(), extension=ExportFormat.XLSX)
        return export_create(
            actor=actor,
            kind=ExportKind.LEAD_LIST,
            file_format=ExportFormat.XLSX,
            table=table,
            file_name=name,
            filters=filters,
        )
