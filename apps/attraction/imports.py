"""招商线索清单 / 签约项目清单 through the shared importer (apps/imports: reading, layout, units,
unused columns, preview, refusals, commit with change records, undo): one row per lead,
creating it at 线索 or updating the descriptive fields of the lead it names.

A row names a lead by 项目名称 and 投资方 (a lead has no code of its own), among the leads the
importer may change; two leads with both alike is an error asking for a clearer name.

Readings taken, shown in the preview: amounts in the sheet's unit (column "(亿元)" or the
"单位：" line) converted to 万元; 是/否 for 龙头企业 and 鼓励类产业; the attraction unit by
its name or short name (a department user's own unit when the column is absent). The stage
is never imported: a new lead starts at 线索 (a row saying 签约 or later is an error: signing
needs its contract, each later stage its own step), and an existing lead whose row gives
another stage keeps its own; the preview says so for each such row.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import ChangeAction
from apps.audit.services import change_records_write_bulk
from apps.core.querysets import text_in
from apps.imports import layout as L
from apps.imports.models import ImportKind
from apps.imports.preparation import (
    FIELD_LABELS,
    WHAT_DEPARTMENT,
    ImportRefused,
    Prepared,
    Reading,
    References,
    _data_rows,
    _errors_from_validation,
    _lookup,
    _lookup_region,
    _prepare_rows,
    find_layouts,
    resolve_layouts,
    snapshot_without_m2m,
)
from apps.imports.records import record_entries, record_write

from .models import Category, InvestmentLead, LeadSource, LeadStage, LeadStageEvent
from .services import LEAD_FIELDS, _validate_lead

# Header (normalised) → the column's key; the keys the plan import already knows (name,
# region, category, total_investment, scope, stage) are read as the leads' too.
SYNONYMS = {
    "投资方": "investor_name",
    "投资方名称": "investor_name",
    "投资企业": "investor_name",
    "客商名称": "investor_name",
    "签约企业": "investor_name",
    "投资方统一社会信用代码": "investor_credit_code",
    "统一社会信用代码": "investor_credit_code",
    "龙头企业": "leading",
    "是否龙头企业": "leading",
    "投资方来源地": "investor_origin",
    "客商来源地": "investor_origin",
    "来源地": "investor_origin",
    "拟落地县区": "region",
    "落地县区": "region",
    "拟落地区县": "region",
    "行业代码": "industry_code",
    "国民经济行业代码": "industry_code",
    "所属行业代码": "industry_code",
    "鼓励类产业": "encouraged",
    "是否鼓励类产业": "encouraged",
    "属鼓励类产业目录": "encouraged",
    "是否属鼓励类产业目录": "encouraged",
    "意向投资": "intended_investment",
    "意向投资额": "intended_investment",
    "拟投资额": "intended_investment",
    "线索来源": "lead_source",
    "招商方式": "lead_source",
    "信息来源": "lead_source",
    "招商单位": "attraction_unit",
    "招商部门": "attraction_unit",
    "招商责任人": "attraction_person",
    "跟踪责任人": "attraction_person",
    "获取日期": "received_on",
    "线索获取日期": "received_on",
    "线索日期": "received_on",
    "阶段": "lead_stage",
    "当前阶段": "lead_stage",
    "推进阶段": "lead_stage",
    "投资内容": "content",
    "项目内容": "content",
}
LABELS = {
    "investor_name": gettext_lazy("投资方"),
    "investor_credit_code": gettext_lazy("投资方统一社会信用代码"),
    "leading": gettext_lazy("龙头企业"),
    "investor_origin": gettext_lazy("投资方来源地"),
    "industry_code": gettext_lazy("国民经济行业代码"),
    "encouraged": gettext_lazy("属鼓励类产业目录"),
    "intended_investment": gettext_lazy("意向投资（万元）"),
    "lead_source": gettext_lazy("线索来源"),
    "attraction_unit": gettext_lazy("招商单位"),
    "attraction_person": gettext_lazy("招商责任人"),
    "received_on": gettext_lazy("线索获取日期"),
    "lead_stage": gettext_lazy("阶段"),
    "content": gettext_lazy("投资内容"),
}
# Model field → the column its errors name.
COLUMN_OF = {"source": "lead_source", "is_leading_enterprise": "leading", "encouraged_industry": "encouraged"}
YES_NO = {"是": True, "否": False, "√": True, "Y": True, "N": False, "YES": True, "NO": False, "1": True, "0": False}
WRITTEN = [name for name in LEAD_FIELDS] + ["stage_since"]


def _register() -> None:
    """The lead columns join the importer's header synonyms and field labels (those it
    already has are left as they are)."""
    for header, key in SYNONYMS.items():
        L.SYNONYMS.setdefault(header, key)
    for key, label in LABELS.items():
        FIELD_LABELS.setdefault(key, label)
    for name in LEAD_FIELDS:
        FIELD_LABELS.setdefault(name, InvestmentLead._meta.get_field(name).verbose_name)


def _labels(enum) -> dict[str, str]:
    return {L.normalise(str(choice.label)): choice.value for choice in enum} | {
        choice.value: choice.value for choice in enum
    }


def _yes_no(raw) -> bool | None:
    text = L.normalise(L.cell_text(raw)).upper()
    if not text:
        return None
    if text not in YES_NO:
        raise L.CellError(_("“%(value)s”应填“是”或“否”") % {"value": text[:10]})
    return YES_NO[text]


def prepare_leads(workbook, *, actor, parameters: dict, progress=None) -> Prepared:
    _register()
    warnings = list(workbook.warnings)
    reading = Reading()
    found = find_layouts(workbook, parameters=parameters)
    resolve_layouts(found, required={"name"}, reading=reading)
    if not any("investor_name" in layout.columns for _sheet, layout in found):
        raise ImportRefused(_("缺少“投资方”列，不是招商线索清单。"))
    rows = _data_rows(workbook, found, warnings, reading, parameters)
    names = {L.cell_text(row.values.get("name")).strip() for _layout, row in rows} - {""}
    changeable = InvestmentLead.objects.restrict(actor, "change")
    by_key: dict[tuple, list] = {}
    for lead in changeable.filter(text_in(names, "name")):
        by_key.setdefault((lead.name, lead.investor_name), []).append(lead)
    visible = set(
        InvestmentLead.objects.restrict(actor, "view")
        .filter(text_in(names, "name"))
        .filter(~Q(pk__in=[lead.pk for leads in by_key.values() for lead in leads]))
        .values_list("name", "investor_name")
    )
    context = {
        "actor": actor,
        "references": References(actor),
        "by_key": by_key,
        "visible": visible,
        "seen": {},
        "reading": reading,
    }
    outcomes, writes = _prepare_rows(
        rows, progress, lambda reader: _lead_row(reader, **context), clear_blanks=parameters.get("blanks") == "clear"
    )
    return Prepared(
        kind=ImportKind.LEADS, outcomes=outcomes, writes=writes, warnings=warnings, parameters={}, reading=reading
    )


def _read_fields(reader, *, actor, references) -> dict:
    fields: dict = {}
    for name in ("investor_name", "investor_credit_code", "investor_origin", "attraction_person", "industry_code"):
        value = reader.text(name)
        if value is not None:
            fields[name] = value.strip().upper() if name == "investor_credit_code" else value.strip()
    content = reader.text("content") if reader.has("content") else reader.text("scope")
    if content is not None:
        fields["content"] = content
    amount = reader.money("intended_investment") if reader.has("intended_investment") else None
    if amount is None and not reader.has("intended_investment"):
        amount = reader.money("total_investment")
    if amount is not None:
        fields["intended_investment"] = amount
    for column, name in (("leading", "is_leading_enterprise"), ("encouraged", "encouraged_industry")):
        value = reader.read(column, _yes_no)
        if value is not None:
            fields[name] = value
    source = reader.choice("lead_source", _labels(LeadSource))
    if source:
        fields["source"] = source
    category = reader.choice("category", _labels(Category))
    if category:
        fields["category"] = category
    region = reader.read("region", lambda raw: _lookup_region(references, raw))
    if region is not None:
        fields["region"] = region
    unit = reader.read("attraction_unit", lambda raw: _lookup(references.departments, raw, WHAT_DEPARTMENT))
    if unit is not None:
        fields["attraction_unit"] = unit
    received = reader.read("received_on", L.cell_date)
    if received is not None:
        fields["received_on"] = received
    return fields


def _lead_row(reader, *, actor, references, by_key, visible, seen, reading):
    outcome = reader.outcome
    name = (reader.text("name") or "").strip()
    investor = (reader.text("investor_name") or "").strip()
    if not name:
        reader.error("name", _("请填写项目名称"))
    if not investor:
        reader.error("investor_name", _("请填写投资方"))
    stage = reader.choice("lead_stage", _labels(LeadStage))
    fields = {"name": name, **_read_fields(reader, actor=actor, references=references)}
    if outcome.errors:
        return None
    key = (name, investor)
    if key in seen:
        reader.error("name", _("与第 %(row)d 行是同一条线索（项目名称和投资方相同）") % {"row": seen[key]})
        return None
    seen[key] = reader.row.number
    matches = by_key.get(key, [])
    if len(matches) > 1:
        reader.error("name", _("系统中有多条项目名称和投资方都相同的线索，请在线索页分别修改"))
        return None
    if not matches and key in visible:
        reader.error("name", _("该线索不在您可修改的范围内"))
        return None
    if matches:
        lead = matches[0]
        before = snapshot_without_m2m(lead)
        record = InvestmentLead(**{f.attname: getattr(lead, f.attname) for f in InvestmentLead._meta.concrete_fields})
        record._state.adding = False
        if stage and stage != lead.stage:
            reading.assume(
                _(
                    "第 %(row)d 行“%(name)s”：表中阶段“%(sheet)s”与系统中“%(current)s”不同，阶段未导入（阶段须在线索页逐步办理）。"
                )
                % {
                    "row": reader.row.number,
                    "name": name[:40],
                    "sheet": LeadStage(stage).label,
                    "current": LeadStage(lead.stage).label,
                }
            )
        if "received_on" in fields and fields["received_on"] != lead.received_on and lead.stage != LeadStage.LEAD:
            reader.error("received_on", _("线索已进入研判，获取日期不能再修改"))
            return None
    else:
        if stage and stage != LeadStage.LEAD:
            reader.error(
                "lead_stage",
                _("新线索只能从“线索”阶段导入；“%(stage)s”须在线索页逐步办理（签约须录入合同）")
                % {"stage": LeadStage(stage).label},
            )
            return None
        before = None
        record = InvestmentLead(created_by=actor, stage=LeadStage.LEAD)
        if actor.organisation_id and "attraction_unit" not in fields and actor.organisation.kind == "department":
            fields["attraction_unit"] = actor.organisation
        missing = [
            column
            for column, field in (
                ("region", "region"),
                ("industry_code", "industry_code"),
                ("intended_investment", "intended_investment"),
                ("lead_source", "source"),
                ("attraction_unit", "attraction_unit"),
                ("attraction_person", "attraction_person"),
                ("received_on", "received_on"),
            )
            if field not in fields
        ]
        for column in missing:
            reader.error(column, _("新线索须填写%(field)s") % {"field": FIELD_LABELS.get(column, column)})
        if missing:
            return None
    for name_, value in fields.items():
        setattr(record, name_, value)
    if record.stage == LeadStage.LEAD:
        record.stage_since = record.received_on
    try:
        _validate_lead(actor, record)
    except ValidationError as error:
        renamed = ValidationError({COLUMN_OF.get(k, k): v for k, v in error.message_dict.items()})
        _errors_from_validation(reader, renamed)
        return None
    return record_write(outcome, record, before, [*fields, "stage"])


def write_leads(*, actor, prepared: Prepared) -> None:
    """New leads with their 线索 stage event, changed leads' fields; a change record each."""
    created = [write.record for write in prepared.writes if write.record_before is None]
    updated = [write for write in prepared.writes if write.record_before is not None]
    InvestmentLead.objects.bulk_create(created)
    events = [
        LeadStageEvent(lead=lead, stage=LeadStage.LEAD, entered_on=lead.received_on, recorded_by=actor)
        for lead in created
    ]
    LeadStageEvent.objects.bulk_create(events)
    if updated:
        # A changed lead gets a new version: an editor who loaded it before the import is refused.
        for write in updated:
            write.record.version += 1
        InvestmentLead.objects.bulk_update([write.record for write in updated], [*WRITTEN, "version"], batch_size=1000)
    entries = record_entries(prepared.writes) + [
        (ChangeAction.CREATE, event, None, snapshot_without_m2m(event), None) for event in events
    ]
    change_records_write_bulk(actor=actor, entries=entries)


def undo_blocker(records) -> str | None:
    """Why a leads batch can no longer be undone: a lead it created or changed has been worked
    on since (a stage, a contract, a report, funds, a notice, contacts, an edit)."""
    from apps.audit.models import ChangeRecord

    leads = [r for r in records if r.content_type.model == "investmentlead"]
    if not leads:
        return None
    first_id = min(record.id for record in records)
    request_ids = {record.request_id for record in records}
    later = (
        ChangeRecord.objects.filter(content_type=leads[0].content_type, object_id__in={r.object_id for r in leads})
        .filter(id__gt=first_id)
        .exclude(request_id__in=request_ids)
        .order_by("id")
        .first()
    )
    if later is not None:
        return _("线索“%(name)s”在导入后已被修改，不能撤销此批次。") % {"name": later.object_repr}
    created = {r.object_id for r in leads if r.action == ChangeAction.CREATE}
    worked = (
        InvestmentLead.objects.filter(pk__in=created)
        .filter(
            ~Q(stage=LeadStage.LEAD)
            | Q(follow_ups__isnull=False)
            | Q(funds_arrivals__isnull=False)
            | Q(notices__isnull=False)
            | Q(contacts__isnull=False)
            | Q(supervised_actions__isnull=False)
        )
        .values_list("name", flat=True)
        .first()
    )
    if worked is not None:
        return _("线索“%(name)s”在导入后已有办理记录，不能撤销此批次。") % {"name": worked}
    return None
