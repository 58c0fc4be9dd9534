"""讲话数据: the sentences of the two speeches that carry figures, filled from the indicators.

Each sentence is copied verbatim from the speech (shared/seeds). Every X, XX or XXX in it
(and the year "{year}" where the speech named its year) is one slot; `slots` says, in order,
what fills each one:

* ``"<indicator key>"``: the indicator of the page's project set, linked to its projects;
* ``"<indicator key>@<set>"``: the indicator of another project set (``@leader``: the
  市级领导包抓项目, for figures the speech gives about those projects only);
* ``"ctx:<name>"``: a fact of the request (region, year, month, number of sub-regions,
  statistics threshold): no project is behind it, so it is not linked;
* ``"bonds:<figure>"``: a special-bond figure of apps/bonds (applied, passed, ...), linked to
  the bond projects behind it; likewise ``"leads:<figure>"`` (招商引资, apps/attraction) and
  ``"reserve:<figure>"`` (谋划储备, apps/reserve), linked to the leads or reserve projects
  behind them; these may be hints too;
* ``"rule:<name>"``: a date the city recorded as a light rule (the 集中开工 deadline,
  apps/lights.selectors.speech_context), shown as "（需人工填写）" while none is recorded;
* ``"manual:<what>"``: a figure KeyProjects cannot know (tonnages): shown as
  "（需人工填写）", never guessed.

`hints` are indicators that back a sentence without appearing in its text (shown under it,
not copied).

The wording adapts to the data and the period (`adapt_parts`): a negative gap is said as
"超出X亿元" (a `Variant` of the sentence, its figure shown without the sign), an exact figure
loses the speech's "多" ("X亿多" → "X亿元"), the period words fit the month ("现在半年时间就要
过去" only in May and June), and the speech's slips are corrected ("截止目前" → "截至目前").
Where a sentence had to be reworded so that its figures agree with each other, `original`
keeps the speech's words. Placeholders that stand for names (省委书记XXX, XX书记, XXX高铁, 支持XX发展,
《X市……方案》) are not figures: their sentences are left out.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.core.money import decimal_str
from apps.statistics.indicators import IndicatorReport

from .formatting import format_value, no_data_text

SLOT = re.compile(r"X+|\{year\}")
# Slot and hint prefixes filled from another app's figures: context[source][figure] =
# (value, unit, title, url[, label]).
SOURCES = ("bonds", "leads", "reserve")
MANUAL_TEXT = "（需人工填写）"


@dataclass(frozen=True)
class Variant:
    """Another wording of a sentence, used when the figure `slot` is negative ("negative")
    or zero ("zero"); same slots in the same order, the figure shown without its sign, less
    the slots of `unsaid` (a zero gap is "持平", not "持平0.00亿元")."""

    slot: str
    when: str
    text: str
    unsaid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    section: str
    text: str
    slots: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    original: str = ""  # the speech's words, when `text` had to be reworded


@dataclass(frozen=True)
class Speech:
    key: str
    title: str
    sentences: tuple[Sentence, ...]


S1_OPENING = "（开场）"
S1_ONE = "一、梳理当前工作，准确把握推进项目建设关键点和突破口"
S1_TWO = "二、提高重视，主动作为，切实抓好我市项目工作"
S1_THREE = "三、科学研判，切实增强抓项目工作的责任感和紧迫感"
S1_FOUR = "四、坚持大抓项目，全力以赴推动项目建设工作"
S1_FOUR_1 = "（一）要研究政策精准策划项目"
# A sub-section of 四、: a level-2 heading under it, not a second "四、".
S1_FOUR_3 = "（三）要全力推进新开工项目建设"
S1_FIVE = "五、完善举措，确保项目快速推进"
S2_ONE = "第一,坚定信心，以时不我待的冲劲狠抓项目"
S2_TWO = "第二,认清形势，以自我加压的拼劲攻坚克难"
S2_THREE = "第三,凝聚合力，以一抓到底的韧劲狠抓落实"

SPEECHES: tuple[Speech, ...] = (
    Speech(
        key="effective_investment",
        title="在全市推进重大项目建设扩大有效投资会议上的讲话",
        sentences=(
            Sentence(
                S1_OPENING,
                "之所以请XX个县（市、区）主要负责同志参会并发言，是因为县（市、区）是重大项目建设的主战场，"
                "需要在非常之时、行非常之策、争非常之效。",
                ("ctx:sub_regions",),
            ),
            Sentence(
                S1_ONE, "去年，我市全年完成投资XXX亿元、同比增长XXX%。", ("fai_last_year", "fai_last_year_growth")
            ),
            Sentence(
                S1_ONE,
                "按照省里的要求，我市{year}年固定资产投资目标为增长XX%，绝对数达到XXX亿元，经初步梳理，缺口XXX多亿元。",
                ("ctx:year", "fai_target_growth", "fai_target_amount", "target_plan_gap"),
                ("annual_planned_investment",),
                variants=(
                    Variant(
                        "target_plan_gap",
                        "negative",
                        "按照省里的要求，我市{year}年固定资产投资目标为增长XX%，绝对数达到XXX亿元，"
                        "经初步梳理，年度计划投资超出目标XXX亿元。",
                    ),
                    Variant(
                        "target_plan_gap",
                        "zero",
                        "按照省里的要求，我市{year}年固定资产投资目标为增长XX%，绝对数达到XXX亿元，"
                        "经初步梳理，年度计划投资与目标持平。",
                        unsaid=("target_plan_gap",),
                    ),
                ),
            ),
            Sentence(
                S1_ONE,
                "前段时间，省发改委印发了“四个一百”项目表，我市列入省级重点项目占全省XXX%。",
                ("provincial_share",),
                ("provincial_projects_count",),
            ),
            Sentence(
                S1_ONE,
                "二是投资结构不优。全市投资主要依赖政府投资，其中基础设施投资占主要部分。",
                (),
                (
                    "share_government",
                    "share_enterprise",
                    "share_private",
                    "share_infrastructure",
                    "share_industry",
                    "share_social",
                    "share_urbanisation",
                    "share_ecology",
                ),
            ),
            Sentence(
                S1_ONE,
                "此外，今年我们计划争取的XXX个一般专项债项目中，省发改委初步审核通过的入库项目不到XXX个，"
                "其中大部分是基础设施类项目，其他项目谋划不足，特别是没几个成熟的产业项目。",
                ("bonds:applied", "bonds:passed"),
                ("reserve:industry_share", "reserve:infrastructure_share", "reserve:industry_ready"),
            ),
            Sentence(
                S1_TWO,
                "希望大家在项目工作上更加主动作为，要通过主动作为抓项目增强信心，把争取的投资项目及时落地，"
                "财政资金及时支付、高效使用，增强国家部委、省直部门对我们的信心，加大对我们的倾斜支持力度。",
                (),
                ("leads:signed", "leads:landed_rate", "leads:funds_arrival_rate", "bonds:spent_share"),
            ),
            Sentence(
                S1_THREE,
                "今年，我每个部门安排半天时间，听取项目谋划、工作进展和下步打算，市政府领导一一点评，发现一批有价值的项目。"
                "各县市区做得还不够，要进一步增强抓项目的主动性，主动策划储备项目，加大实施示范性项目和产业招商力度，"
                "主动到对口部门汇报，到要素保障部门协调，服务和推动项目。",
                (),
                ("reserve:count", "reserve:investment", "reserve:conversion_to_plan", "leads:signed"),
            ),
            Sentence(
                S1_FOUR,
                "按照省政府的要求，今年我市固定资产投资的目标为增长XX%，绝对数要达到XXX亿元。",
                ("fai_target_growth", "fai_target_amount"),
                ("period_target", "fai_ytd", "period_gap"),
            ),
            Sentence(
                S1_FOUR_1,
                "每一类产业都有行业龙头企业，我们要抢先一步，瞄准鼓励类产业，聚焦行业龙头企业，深入研究，"
                "谋划实施一批高质量项目，努力培育形成产业发展集群，进一步提高产业投资在全市投资中的比重。",
                (),
                ("reserve:industry_share", "reserve:industry_ready", "share_industry"),
            ),
            Sentence(
                S1_FOUR_3,
                "推进硅铝产业集群发展，在全部投产XX万吨水电铝项目基础上，继续引进产能，"
                "年内引进年产XXX万吨汽车轻量化用铝项目和年产XX万吨铝合金扁铸锭等项目，实现XX万吨铝水就地加工转化。",
                (
                    "manual:已投产水电铝产能（万吨）",
                    "manual:拟引进汽车轻量化用铝项目年产能（万吨）",
                    "manual:拟引进铝合金扁铸锭项目年产能（万吨）",
                    "manual:铝水就地加工转化量（万吨）",
                ),
            ),
            Sentence(
                S1_FIVE,
                "要力戒项目建设中的形式主义、官僚主义，千万不能搞花架子，只开工不落地。"
                "在建项目要加快建设，拟开工项目要抓紧开工，已签约项目要跟踪督办，尽快落地。",
                (),
                (
                    "leads:signed",
                    "leads:landed_rate",
                    "leads:start_rate",
                    "leads:started_no_investment",
                    "leads:late",
                    "leads:exit_due",
                ),
            ),
        ),
    ),
    Speech(
        key="leader_projects",
        title="在市级领导包抓项目推进会上的讲话",
        sentences=(
            Sentence(
                S2_ONE,
                "年初，我们确定了今年要推进实施的X个、总投资X亿元的重点项目。",
                ("key_projects_count", "key_projects_total_investment"),
                ("annual_planned_investment",),
            ),
            Sentence(
                S2_ONE,
                "为了加快这些项目建设，市委、市政府将其中X个投资规模较大的项目，确定由X名市级领导干部包抓，"
                "并分别明确了牵头单位、建设单位和协作单位共同推进。",
                ("leader_projects_count", "leaders_count"),
            ),
            Sentence(
                S2_ONE,
                "在大家的共同努力下，截止目前X个市级领导包抓重大项目，开工建设X个，"
                "带动完成全社会固定资产投资X亿元，同比增长X%，有力扭转了去年二季度以来固投持续负增长的局面。",
                ("leader_projects_count", "leader_started_count", "fai_ytd", "fai_yoy_growth"),
            ),
            Sentence(
                S2_TWO,
                # The speech's "开工率只有X%" after "X个…开工建设X个" invites listeners to divide the
                # two counts (续建 included); the rate is of the new starts, so its counts are said.
                "现在半年时间就要过去，市级领导包抓项目中计划新开工X个、已开工X个，新开工项目开工率只有X%，"
                "完成投资X亿元、仅占年度计划的X%，"
                "许多项目还没有达到预期进度，支撑高质量发展的基础不够牢固。",
                (
                    "leader_planned_new_starts",
                    "leader_new_starts_started",
                    "leader_start_rate",
                    "completed_ytd@leader",
                    "plan_completion_rate@leader",
                ),
                ("time_elapsed_share", "lag_points@leader"),
                original="现在半年时间就要过去，市级领导包抓项目开工率只有X%，完成投资X亿元、仅占年度计划的X%，"
                "许多项目还没有达到预期进度，支撑高质量发展的基础不够牢固。",
            ),
            Sentence(
                S2_TWO,
                "尽管X—X月固定资产投资增长X%，自己跟自己比有很大进步，但增速仅列全省第X位，横向与其他市州比还有差距。",
                ("ctx:first_month", "ctx:month", "fai_yoy_growth", "fai_rank"),
                ("fai_peer_count",),
            ),
            Sentence(
                S2_TWO,
                "尽管我从去年X月开始就多次强调要提前开展前期工作，但时至今日有些项目还在“路上”。",
                ("rule:emphasised_since_month",),
            ),
            Sentence(
                S2_TWO,
                "针对这些问题，各部门各单位要主动认领、自我加压，充分发挥主观能动性，全力以赴抓项目、促投资，"
                "确保完成全年固定资产投资增长X%的既定目标。",
                ("fai_target_growth",),
            ),
            Sentence(
                S2_THREE,
                "一要抓项目落地开工。各部门各单位要抢抓项目建设的施工“黄金期”，督促项目尽快开工建设，"
                "原则上今年确定的X个市级领导包抓重大项目，具备条件的X月X日前必须开工建设。",
                ("leader_projects_count", "rule:campaign_month", "rule:campaign_day"),
                ("not_started_count",),
            ),
            Sentence(
                S2_THREE,
                "现在距离上半年投资报统只有不到一周的时间，根据初步摸排，与增长X%的预期目标还有X亿多的缺口，任务非常繁重。",
                ("fai_target_growth", "period_gap"),
                ("days_to_statistics_deadline", "statistics_candidates_count", "statistics_candidates_investment"),
                variants=(
                    Variant(
                        "period_gap",
                        "negative",
                        "现在距离上半年投资报统只有不到一周的时间，根据初步摸排，固定资产投资已超出增长X%的预期目标X亿元，"
                        "要巩固好势头。",
                    ),
                    Variant(
                        "period_gap",
                        "zero",
                        "现在距离上半年投资报统只有不到一周的时间，根据初步摸排，固定资产投资与增长X%的预期目标持平，"
                        "任务依然繁重。",
                        unsaid=("period_gap",),
                    ),
                ),
            ),
            Sentence(
                S2_THREE,
                "会后，由统计、发改牵头，建设、工信、文旅、交通、商务、生态环境等行业主管部门配合，"
                "对全市所有工业企业改扩建、节能环保改造、宾馆酒店装修改造、商贸物流企业扩能提升等项目，"
                "再进行一次集中摸排，把投资X万元以上的项目逐一进行梳理，尽快将符合统计要求的项目纳入固定资产投资范围。",
                ("ctx:statistics_threshold",),
                ("statistics_candidates_count", "statistics_candidates_investment"),
            ),
        ),
    ),
)


def indicator_refs() -> set[tuple[str, str | None]]:
    """(indicator key, project set or None for the page's) of every slot and hint."""
    refs = set()
    for speech in SPEECHES:
        for sentence in speech.sentences:
            for slot in (*sentence.slots, *sentence.hints):
                if slot.startswith(("ctx:", "manual:", "rule:")) or slot.partition(":")[0] in SOURCES:
                    continue
                key, _sep, project_set = slot.partition("@")
                refs.add((key, project_set or None))
    return refs


def extra_sets() -> set[str]:
    """The project sets, besides the page's, whose reports the speech needs."""
    return {project_set for _key, project_set in indicator_refs() if project_set}


# --- filling ---------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A run of a filled sentence. kind: text, value, none (no data), manual, context."""

    text: str
    kind: str = "text"
    url: str = ""
    title: str = ""
    label: str = ""  # the indicator's label (hints)
    unit: str = ""


@dataclass
class FilledSentence:
    section: str
    parts: list[Part]
    hints: list[Part] = field(default_factory=list)

    @property
    def section_level(self) -> int:
        """1 for "一、…" / "第一,…", 2 for a sub-section "（三）…"."""
        return 2 if self.section.startswith("（") else 1

    @property
    def plain(self) -> str:
        return "".join(part.text for part in self.parts)


@dataclass
class FilledSpeech:
    key: str
    title: str
    sentences: list[FilledSentence]

    @property
    def plain(self) -> str:
        lines, section = [self.title], None
        for sentence in self.sentences:
            if sentence.section != section:
                section = sentence.section
                lines.append(section)
            lines.append(sentence.plain)
        return "\n".join(lines)


# --- wording that fits the data and the period -----------------------------------------

#: The speech's slips, corrected wherever they appear.
CORRECTIONS = {"截止目前": "截至目前"}

QUARTER_ENDS = {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}


def period_name(month: int) -> str:
    """The cumulative period as officials name it: 一季度, 上半年, 前三季度, 全年, else 1-X月."""
    return QUARTER_ENDS.get(month) or ("1月" if month == 1 else f"1-{month}月")


def time_phrase(month: int) -> str:
    """What a speech says about the time gone: "半年时间就要过去" only when it is true."""
    if month <= 3:
        return "现在一季度即将过去" if month == 3 else f"现在新年开局已经过去{chinese_months(month)}个月"
    if month <= 6:
        return "现在半年时间就要过去"
    if month <= 9:
        return "现在全年时间已经过半"
    if month <= 11:
        return f"现在全年只剩下不到{chinese_months(12 - month + 1)}个月"
    return "现在全年即将结束"


def chinese_months(n: int) -> str:
    return "一两三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def period_replacements(month: int) -> dict[str, str]:
    """Text of the speech (spoken in June) → the words for `month`."""
    return {
        "现在半年时间就要过去": time_phrase(month),
        "距离上半年投资报统": f"距离{period_name(month)}投资报统",
        **CORRECTIONS,
    }


def pick_text(sentence: Sentence, value_of) -> tuple[str, set[str], tuple[str, ...]]:
    """The sentence's text for the data, the slots to show without their sign, and the
    slots of the sentence in the order the text says them."""
    for variant in sentence.variants:
        value = value_of(variant.slot)
        if value is None:
            continue
        if (variant.when == "negative" and value < 0) or (variant.when == "zero" and value == 0):
            said = tuple(slot for slot in sentence.slots if slot not in variant.unsaid)
            return variant.text, {variant.slot}, said
    return sentence.text, set(), sentence.slots


def adapt_parts(parts: list["Part"], replacements: dict[str, str]) -> list["Part"]:
    """Period words and corrections in the text runs; no "多" after an exact figure."""
    adapted = []
    for part in parts:
        if part.kind == "text":
            text = part.text
            for old, new in replacements.items():
                text = text.replace(old, new)
            previous = adapted[-1] if adapted else None
            if previous is not None and previous.kind == "value" and "." in previous.text:
                # "259.43多亿元" → "259.43亿元"; "9.08亿多的缺口" → "9.08亿元的缺口"
                if text.startswith("多"):
                    text = text[1:]
                elif text.startswith("亿多"):
                    text = "亿元" + text[2:]
            part = Part(text=text, kind=part.kind, url=part.url, title=part.title, label=part.label, unit=part.unit)
        adapted.append(part)
    return adapted


def fill(
    *, reports: dict[str | None, IndicatorReport], context: dict, drill_url, leave_out=frozenset()
) -> list[FilledSpeech]:
    """The speeches with their slots filled, in wording that fits the data and the month.
    Sentences that use an indicator of `leave_out` (region-wide official figures on a
    partial project set) are left out.

    reports: the page's report under None, other sets' under their name ("leader").
    context: "ctx:" values (value, unit). drill_url(key, project_set) gives a figure's link.
    """
    replacements = period_replacements(context["month"][0])

    def value_of(ref: str):
        key, _sep, project_set = ref.partition("@")
        return reports[project_set or None].indicators[key].value

    def indicator_part(ref: str, unsigned: bool = False) -> Part:
        key, _sep, project_set = ref.partition("@")
        indicator = reports[project_set or None].indicators[key]
        value = abs(indicator.value) if unsigned and indicator.value is not None else indicator.value
        text = format_value(value, indicator.unit)
        label = indicator.label.replace("1-X月", f"1-{context['month'][0]}月")
        title = label + ("（" + _("市级领导包抓项目") + "）" if project_set == "leader" else "")
        if indicator.definition:
            title += "：" + indicator.definition
        return Part(
            text=text if text is not None else no_data_text(),
            kind="value" if text is not None else "none",
            url=drill_url(key, project_set or None),
            title=title,
            label=label,
            unit=indicator.unit,
        )

    def source_part(ref: str) -> Part:
        # No figures given (a caller without the app): no data, never a guess.
        source, _sep, key = ref.partition(":")
        value, unit, title, url, *label = context.get(source, {}).get(key, (None, "", "", ""))
        text = None if value is None else format_context(value, unit)
        label = label[0] if label else title.partition("：")[0]
        kind = "value" if text else "none"
        return Part(text=text or no_data_text(), kind=kind, url=url, title=title, label=label, unit=unit)

    def slot_part(slot: str, unsigned: set[str]) -> Part:
        if slot.startswith("manual:"):
            return Part(text=MANUAL_TEXT, kind="manual", title=slot.removeprefix("manual:"))
        if slot.partition(":")[0] in SOURCES:
            return source_part(slot)
        if slot.startswith("rule:"):
            value, _unit, title = context.get(slot.removeprefix("rule:"), (None, "", ""))
            if value is None:
                return Part(text=MANUAL_TEXT, kind="manual", title=title)
            return Part(text=str(value), kind="context", title=title)
        if slot.startswith("ctx:"):
            value, unit, title = context[slot.removeprefix("ctx:")]
            text = None if value is None else format_context(value, unit)
            return Part(text=text or no_data_text(), kind="context" if text else "none", title=title)
        return indicator_part(slot, slot in unsigned)

    filled = []
    for speech in SPEECHES:
        sentences = []
        for sentence in speech.sentences:
            used = {ref.partition("@")[0] for ref in (*sentence.slots, *sentence.hints)}
            if used & leave_out:
                continue
            wording, unsigned, said = pick_text(sentence, value_of)
            parts, position = [], 0
            slots = iter(said)
            for match in SLOT.finditer(wording):
                if match.start() > position:
                    parts.append(Part(text=wording[position : match.start()]))
                parts.append(slot_part(next(slots), unsigned))
                position = match.end()
            if position < len(wording):
                parts.append(Part(text=wording[position:]))
            hints = [
                source_part(hint) if hint.partition(":")[0] in SOURCES else indicator_part(hint)
                for hint in sentence.hints
            ]
            sentences.append(
                FilledSentence(section=sentence.section, parts=adapt_parts(parts, replacements), hints=hints)
            )
        filled.append(FilledSpeech(key=speech.key, title=speech.title, sentences=sentences))
    return filled


def format_context(value, unit: str) -> str:
    if unit == "万元":
        return decimal_str(value)
    return format_value(value, unit)


# --- Word -------------------------------------------------------------------------


def speech_docx(speeches: list[FilledSpeech], *, heading: str, day=None) -> bytes:
    """The filled sentences as a working paper in 公文 layout (apps.documents): each speech
    under its title, sections as headings by level, figures bold, missing data grey,
    figures to fill in by hand highlighted; the data notes small under their sentence."""
    from apps.documents.gbt9704 import OfficialDocument, Run

    kinds = {"value": "figure", "context": "figure", "none": "none", "manual": "manual"}
    document = OfficialDocument(title=_("讲话数据"), created=day)
    document.paragraph(heading, indent=False)
    for index, speech in enumerate(speeches):
        if index:
            document.page_break()
        document.title_paragraph(speech.title)
        section = None
        for sentence in speech.sentences:
            if sentence.section != section:
                section = sentence.section
                if section != S1_OPENING:
                    document.heading(section, sentence.section_level)
            document.paragraph([Run(part.text, kinds.get(part.kind, "text")) for part in sentence.parts])
            if sentence.hints:
                document.note(
                    _("数据参考：")
                    + "；".join(
                        f"{part.label} {part.text}{part.unit if part.kind == 'value' else ''}"
                        for part in sentence.hints
                    )
                )
    return document.to_bytes()
