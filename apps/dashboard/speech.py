"""讲话数据: the sentences of the two speeches that carry figures, filled from the indicators.

Each sentence is copied verbatim from the speech (shared/seeds). Every X, XX or XXX in it
(and the year "{year}" where the speech named its year) is one slot; `slots` says, in order,
what fills each one:

* ``"<indicator key>"``: the indicator of the page's project set, linked to its projects;
* ``"<indicator key>@<set>"``: the indicator of another project set (``@leader``: the
  市级领导包抓项目, for figures the speech gives about those projects only);
* ``"ctx:<name>"``: a fact of the request (region, year, month, number of sub-regions,
  statistics threshold): no project is behind it, so it is not linked;
* ``"manual:<what>"``: a figure KeyProjects cannot know (special bonds, tonnages, dates
  decided in meetings): shown as "（需人工填写）", never guessed.

`hints` are indicators that back a sentence without appearing in its text (shown under it,
not copied). Placeholders that stand for names (省委书记XXX, XX书记, XXX高铁, 支持XX发展,
《X市……方案》) are not figures: their sentences are left out.
"""

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.core.money import decimal_str
from apps.statistics.indicators import IndicatorReport

from .formatting import format_value, no_data_text

SLOT = re.compile(r"X+|\{year\}")
MANUAL_TEXT = "（需人工填写）"


@dataclass(frozen=True)
class Sentence:
    section: str
    text: str
    slots: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speech:
    key: str
    title: str
    sentences: tuple[Sentence, ...]


S1_OPENING = "（开场）"
S1_ONE = "一、梳理当前工作，准确把握推进项目建设关键点和突破口"
S1_FOUR = "四、坚持大抓项目，全力以赴推动项目建设工作"
S1_FOUR_3 = "四、（三）要全力推进新开工项目建设"
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
                ("manual:计划争取的一般专项债项目个数", "manual:省发改委初步审核通过的入库项目个数"),
            ),
            Sentence(
                S1_FOUR,
                "按照省政府的要求，今年我市固定资产投资的目标为增长XX%，绝对数要达到XXX亿元。",
                ("fai_target_growth", "fai_target_amount"),
                ("period_target", "fai_ytd", "period_gap"),
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
                "现在半年时间就要过去，市级领导包抓项目开工率只有X%，完成投资X亿元、仅占年度计划的X%，"
                "许多项目还没有达到预期进度，支撑高质量发展的基础不够牢固。",
                ("leader_start_rate", "completed_ytd@leader", "plan_completion_rate@leader"),
                ("time_elapsed_share", "lag_points@leader"),
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
                ("manual:去年开始强调提前开展前期工作的月份",),
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
                ("leader_projects_count", "manual:开工期限（月）", "manual:开工期限（日）"),
                ("not_started_count",),
            ),
            Sentence(
                S2_THREE,
                "现在距离上半年投资报统只有不到一周的时间，根据初步摸排，与增长X%的预期目标还有X亿多的缺口，任务非常繁重。",
                ("fai_target_growth", "period_gap"),
                ("days_to_statistics_deadline", "statistics_candidates_count", "statistics_candidates_investment"),
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
                if slot.startswith(("ctx:", "manual:")):
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


def fill(
    *, reports: dict[str | None, IndicatorReport], context: dict, drill_url, leave_out=frozenset()
) -> list[FilledSpeech]:
    """The speeches with their slots filled. Sentences that use an indicator of `leave_out`
    (region-wide official figures on a partial project set) are left out.

    reports: the page's report under None, other sets' under their name ("leader").
    context: "ctx:" values (value, unit). drill_url(key, project_set) gives a figure's link.
    """

    def indicator_part(ref: str) -> Part:
        key, _sep, project_set = ref.partition("@")
        indicator = reports[project_set or None].indicators[key]
        text = format_value(indicator.value, indicator.unit)
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

    def slot_part(slot: str) -> Part:
        if slot.startswith("manual:"):
            return Part(text=MANUAL_TEXT, kind="manual", title=slot.removeprefix("manual:"))
        if slot.startswith("ctx:"):
            value, unit, title = context[slot.removeprefix("ctx:")]
            text = None if value is None else format_context(value, unit)
            return Part(text=text or no_data_text(), kind="context" if text else "none", title=title)
        return indicator_part(slot)

    filled = []
    for speech in SPEECHES:
        sentences = []
        for sentence in speech.sentences:
            used = {ref.partition("@")[0] for ref in (*sentence.slots, *sentence.hints)}
            if used & leave_out:
                continue
            parts, position = [], 0
            slots = iter(sentence.slots)
            for match in SLOT.finditer(sentence.text):
                if match.start() > position:
                    parts.append(Part(text=sentence.text[position : match.start()]))
                parts.append(slot_part(next(slots)))
                position = match.end()
            if position < len(sentence.text):
                parts.append(Part(text=sentence.text[position:]))
            hints = [indicator_part(hint) for hint in sentence.hints]
            sentences.append(FilledSentence(section=sentence.section, parts=parts, hints=hints))
        filled.append(FilledSpeech(key=speech.key, title=speech.title, sentences=sentences))
    return filled


def format_context(value, unit: str) -> str:
    if unit == "万元":
        return decimal_str(value)
    return format_value(value, unit)


# --- Word -------------------------------------------------------------------------


def speech_docx(speeches: list[FilledSpeech], *, heading: str) -> bytes:
    """The filled sentences as a Word document: missing data in grey, figures to fill in
    by hand highlighted in yellow."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(_("讲话数据"), level=0)
    document.add_paragraph(heading)
    for speech in speeches:
        document.add_heading(speech.title, level=1)
        section = None
        for sentence in speech.sentences:
            if sentence.section != section:
                section = sentence.section
                document.add_heading(section, level=2)
            paragraph = document.add_paragraph()
            for part in sentence.parts:
                run = paragraph.add_run(part.text)
                if part.kind == "value":
                    run.bold = True
                elif part.kind == "none":
                    run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
                elif part.kind == "manual":
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            if sentence.hints:
                hint = document.add_paragraph()
                run = hint.add_run(
                    _("数据参考：")
                    + "；".join(
                        f"{part.label} {part.text}{part.unit if part.kind == 'value' else ''}"
                        for part in sentence.hints
                    )
                )
                run.font.size = Pt(9)
                run.font.color.rgb = RGBColor(0x5B, 0x66, 0x75)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
