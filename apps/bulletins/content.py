"""A bulletin's text from its snapshot, in the sentences real bulletins use
(shared/reference/bulletin-format.md §3): a pure function of the frozen snapshot, so the
preview, the .docx and the .xlsx always say the same, and never change once published.

Wording adapts to the data: behind the time schedule is "欠时序进度N个百分点", ahead is
"超时序进度", a negative gap is "超出X亿元", a zero list is said plainly or left out, the
period words follow the month (上半年, 前三季度, 1-11月)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from apps.attraction.bulletin import bulletin_section as attraction_and_reserve
from apps.documents.gbt9704 import chinese_number
from apps.regions.models import RegionLevel

#: Names written out in a sentence before "等N个"; the attachment lists them all.
NAMES_IN_TEXT = 8


@dataclass
class Block:
    kind: str  # heading, para, chart
    text: str = ""
    level: int = 1


@dataclass
class AttachmentTable:
    key: str
    name: str
    headers: list[str]
    rows: list[list]
    total_row: bool = False


@dataclass
class BulletinContent:
    title: str
    addressee: str
    blocks: list[Block] = field(default_factory=list)
    attachments: list[AttachmentTable] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> None:
        """A level-1 heading numbered in order (一、二、…): sections left out leave no hole."""
        number = sum(1 for block in self.blocks if block.kind == "heading" and block.level == level) + 1
        self.blocks.append(Block("heading", f"{chinese_number(number)}、{text}" if level == 1 else text, level))

    def para(self, text: str) -> None:
        if text:
            self.blocks.append(Block("para", text))

    def chart(self, key: str) -> None:
        self.blocks.append(Block("chart", key))

    @property
    def plain(self) -> str:
        return "\n".join(block.text for block in self.blocks if block.kind != "chart")


def D(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def fig(snapshot: dict, key: str):
    return snapshot["figures"][key]["value"]


def num(value, places: int | None = None) -> str:
    """A stored figure as written: as stored (already rounded), "—" for no data."""
    if value is None:
        return "—"
    return str(value)


def names(items: list[dict], *, unit: str = "个", limit: int = NAMES_IN_TEXT) -> str:
    """甲、乙、丙 or 甲、乙等12个."""
    shown = "、".join(item["name"] for item in items[:limit])
    return shown + (f"等{len(items)}{unit}" if len(items) > limit else "")


def region_words(snapshot: dict) -> tuple[str, str]:
    """("全市", "各县（市、区）") for a city, ("全县", "各乡镇") for a county."""
    level = snapshot["region"]["level"]
    if level == RegionLevel.PROVINCE:
        return "全省", "各市（州）"
    if level == RegionLevel.CITY:
        return "全市", "各县（市、区）"
    return "全县（市、区）", "各乡镇（街道）"


def schedule_words(lag) -> str:
    """lag = time share − completion rate, points: 欠/超时序进度N个百分点, or 与时序进度持平."""
    lag = D(lag)
    if lag is None:
        return ""
    if lag > 0:
        return f"欠时序进度{lag}个百分点"
    if lag < 0:
        return f"超时序进度{-lag}个百分点"
    return "与时序进度持平"


def growth_words(growth) -> str:
    growth = D(growth)
    if growth is None:
        return ""
    if growth < 0:
        return f"同比下降{-growth}%"
    if growth == 0:
        return "与上年同期持平"
    return f"同比增长{growth}%"


def gap_words(gap, growth) -> str:
    gap = D(gap)
    if gap is None:
        return ""
    if gap > 0:
        return f"与增长{growth}%的预期目标相比还有{gap}亿元的缺口"
    if gap < 0:
        return f"超出增长{growth}%的预期目标{-gap}亿元"
    return f"与增长{growth}%的预期目标持平"


def default_requirements(snapshot: dict) -> str:
    """下步要求 as first drafted (the drafter edits them): one paragraph per line."""
    whole, _units = region_words(snapshot)
    lines = []
    if snapshot["not_started"]:
        lines.append(
            "加快推进项目开工。对计划开工但仍未开工的项目，各牵头单位要逐个分析原因，倒排工期，"
            "落实包抓领导协调、责任单位跟进机制，确保具备条件的项目尽快开工建设。"
        )
    if snapshot["lights"]["red"] or snapshot["lights"]["yellow"]:
        lines.append("狠抓滞后项目整改。红灯、黄灯项目的责任单位要形成推进方案，明确时间节点，限期赶上进度。")
    if snapshot["statistics"]["items"]:
        lines.append("做好应统尽统。对已开工未入统项目，各地要会同统计部门逐一梳理，按时完成入库纳统。")
    lines.append(f"强化要素保障和问题协调，及时报送项目进展和存在问题，确保{whole}年度投资目标任务完成。")
    return "\n".join(lines)


def bulletin_content(snapshot: dict, *, requirements: str) -> BulletinContent:
    period = snapshot["period"]
    region = snapshot["region"]
    whole, units = region_words(snapshot)
    title = f"关于{period['name']}{region['name']}重大项目推进情况的通报"
    level = region["level"]
    addressee = (
        f"{units}，{'市' if level == RegionLevel.CITY else '县'}级各有关部门"
        if level != RegionLevel.PROVINCE
        else f"{units}，省级各有关部门"
    )
    content = BulletinContent(title=title, addressee=addressee)
    content.para(f"为全面掌握重大项目建设进展，推动项目加快实施，现将{period['name']}{whole}重大项目推进情况通报如下：")
    for section in SECTIONS:
        section(content, snapshot)
    content.heading("下步要求")
    for line in (requirements or "").splitlines():
        content.para(line.strip())
    return content


def _overall(content: BulletinContent, s: dict) -> None:
    period = s["period"]
    whole, _units = region_words(s)
    content.heading("总体情况")
    key_count = fig(s, "key_projects_count")
    if not key_count:
        content.para(f"{period['as_of']}，{whole}尚无编制{period['year']}年度计划的重点项目。")
        return
    sentence = (
        f"{period['as_of']}，{whole}{key_count}个重点项目总投资{num(fig(s, 'key_projects_total_investment'))}亿元，"
        f"年度计划投资{num(fig(s, 'annual_planned_investment'))}亿元；{period['cumulative']}累计完成投资"
        f"{num(fig(s, 'completed_ytd'))}亿元"
    )
    rate = fig(s, "plan_completion_rate")
    if rate is not None:
        sentence += f"，占年度计划的{rate}%"
        schedule = schedule_words(fig(s, "lag_points"))
        if schedule:
            sentence += f"，{schedule}"
    content.para(sentence + "。")
    unverified = fig(s, "unverified_reports")
    if unverified:
        if s["verified_only"]:
            content.para(f"以上完成投资只计已审核月报，另有{unverified}份已报送月报尚未审核，未计入。")
        else:
            content.para(f"以上完成投资含{unverified}份已报送尚未审核的月报数据，以审核后数据为准。")
    content.chart("by_month")

    started = fig(s, "started_count")
    planned_new = fig(s, "planned_new_starts")
    new_started = fig(s, "new_starts_started")
    parts = [f"已开工{started}个（含续建项目）"]
    if planned_new:
        start_text = f"计划新开工{planned_new}个，已开工{new_started}个，开工率{fig(s, 'start_rate')}%"
        extras = []
        if s["new_starts"]["ahead"]:
            extras.append(f"提前开工{len(s['new_starts']['ahead'])}个")
        if s["not_started"]:
            extras.append(f"未按计划开工{fig(s, 'not_started_count')}个")
        if extras:
            start_text += "（其中" + "，".join(extras) + "）"
        parts.append(start_text)
    else:
        parts.append("本年无计划新开工项目")
    completions = s["completions"]["count_ytd"]
    parts.append(f"本年建成投用{completions}个" if completions else "本年尚无建成投用项目")
    content.para("从项目进展看，" + "；".join(parts) + "。")

    fai = fig(s, "fai_ytd")
    if fai is not None:
        sentence = f"{period['cumulative']}，{whole}固定资产投资{num(fai)}亿元"
        growth = growth_words(fig(s, "fai_yoy_growth"))
        if growth:
            sentence += "，" + growth
        rank, peers = fig(s, "fai_rank"), fig(s, "fai_peer_count")
        if rank is not None and peers:
            sentence += f"，增速居全省第{rank}位（共{peers}个）"
        gap = gap_words(fig(s, "period_gap"), fig(s, "fai_target_growth"))
        if gap:
            sentence += "，" + gap
        content.para(sentence + "。")


def _counties(content: BulletinContent, s: dict) -> None:
    rows = s["by_county"]
    if not rows:
        return
    content.heading("分县区情况")
    rated = [row for row in rows if row.get("plan_completion_rate") is not None]
    ranked = sorted(rated, key=lambda row: -Decimal(row["plan_completion_rate"]))
    if ranked:

        def said(items):
            return "、".join(f"{row['name']}（{row['plan_completion_rate']}%）" for row in items)

        if len(ranked) >= 6:
            sentence = f"从完成投资占年度计划比例看，{said(ranked[:3])}位居前三；{said(ranked[-3:])}位居后三"
        else:
            sentence = f"从完成投资占年度计划比例看，由高到低依次为{said(ranked)}"
        time_share = D(fig(s, "time_elapsed_share"))
        behind = [row for row in ranked if Decimal(row["plan_completion_rate"]) < time_share]
        if behind:
            sentence += f"；{len(behind)}个低于时序进度"
        else:
            sentence += "；均达到时序进度"
        content.para(sentence + "。详见附件。")
    else:
        content.para("各县区均未编制年度计划或尚无完成投资数据。")
    content.chart("by_county")
    place = {id(row): index for index, row in enumerate(ranked, start=1)}
    table_rows = [
        [
            index,
            row["name"],
            row["key_projects"],
            D(row["annual_planned"]),
            D(row["completed_ytd"]),
            D(row.get("plan_completion_rate")),
            D(row.get("start_rate")),
            place.get(id(row), "—"),
        ]
        for index, row in enumerate(rows, start=1)
    ]
    table_rows.append(
        [
            "",
            "合计",
            fig(s, "key_projects_count"),
            D(fig(s, "annual_planned_investment")),
            D(fig(s, "completed_ytd")),
            D(fig(s, "plan_completion_rate")),
            D(fig(s, "start_rate")),
            "",
        ]
    )
    content.attachments.append(
        AttachmentTable(
            "by_county",
            "分县区重大项目完成情况表",
            [
                "序号",
                "县（市、区）",
                "项目个数",
                "年度计划投资（亿元）",
                "累计完成投资（亿元）",
                "占年度计划（%）",
                "开工率（%）",
                "位次",
            ],
            table_rows,
            total_row=True,
        )
    )


def _categories(content: BulletinContent, s: dict) -> None:
    rows = [row for row in s["by_category"] if row["key_projects"]]
    if not rows:
        return
    content.heading("分类别情况")
    said = []
    for row in rows:
        text = f"{row['name']}项目{row['key_projects']}个，完成投资{row['completed_ytd']}亿元"
        if row.get("plan_completion_rate") is not None:
            text += f"，占年度计划的{row['plan_completion_rate']}%"
        said.append(text)
    content.para("分类别看，" + "；".join(said) + "。")


def _starts_and_completions(content: BulletinContent, s: dict) -> None:
    period = s["period"]
    started = s["new_starts"]["started_in_period"]
    finished = s["completions"]["in_period"]
    not_started = s["not_started"]
    content.heading("新开工、竣工和未按计划开工项目")
    if started:
        content.para(f"{period['name']}新开工项目{len(started)}个：{names(started, unit='个项目')}。")
    else:
        content.para(f"{period['name']}无新开工项目。")
    ahead = s["new_starts"]["ahead"]
    if ahead:
        content.para(f"提前开工项目{len(ahead)}个：{names(ahead, unit='个项目')}。")
    if finished:
        content.para(f"{period['name']}建成投用项目{len(finished)}个：{names(finished, unit='个项目')}。")
    if not_started:
        count = s["figures"]["not_started_count"]["value"]
        items = []
        for row in not_started[:NAMES_IN_TEXT]:
            planned = row.get("planned_start_month")
            if planned is None:  # a snapshot frozen before the precision was kept
                date = datetime.date.fromisoformat(row["planned_start_date"])
                planned = f"{date.year}年{date.month}月"
            text = f"{row['name']}（{row['region']}，计划{planned}开工"
            problems = row["problems"].strip().rstrip("。；;.， ")
            text += f"，存在问题：{problems}）" if problems else "）"
            items.append(text)
        more = f"等{count}个项目" if count > NAMES_IN_TEXT else f"{count}个项目"
        content.para(f"{period['as_of']}，{'；'.join(items)}{more}已到计划开工时间但仍未开工。")
        content.attachments.append(
            AttachmentTable(
                "not_started",
                "未按计划开工项目清单",
                ["序号", "项目名称", "县（市、区）", "计划开工日期", "存在问题"],
                [
                    [
                        index,
                        row["name"],
                        row["region"],
                        row.get("planned_start_text", row["planned_start_date"]),
                        row["problems"] or "—",
                    ]
                    for index, row in enumerate(not_started, start=1)
                ],
            )
        )
    else:
        content.para("计划开工项目均已按期开工。")


def _light_reason(row: dict) -> str:
    """The reason in words: the engine's (snapshot version 2), or the lag of the rule that
    version 1 snapshots (published before the engine) were drafted with."""
    if "reason" in row:
        return row["reason"]
    return f"完成年度计划的{row['rate']}%，落后时序进度{row['lag']}个百分点"


def _lights(content: BulletinContent, s: dict) -> None:
    lights = s["lights"]
    red, yellow = lights["red"], lights["yellow"]
    content.heading("红黄灯项目")
    content.para(lights["rule"])
    if not red and not yellow:
        if lights.get("evaluated", True):
            content.para("本期无红灯、黄灯项目。")
        return

    def said(items):
        parts = []
        for row in items[:NAMES_IN_TEXT]:
            who = "，".join(
                value
                for value in (
                    f"包抓领导{row['leader']}" if row["leader"] else "",
                    f"牵头单位{row['department']}" if row["department"] else "",
                    f"建设单位{row['owner']}" if row["owner"] else "",
                )
                if value
            )
            parts.append(f"{row['name']}（{_light_reason(row)}{'；' + who if who else ''}）")
        more = f"等{len(items)}个" if len(items) > NAMES_IN_TEXT else ""
        return "；".join(parts) + more

    content.para(f"红灯项目{len(red)}个：{said(red)}。" if red else "本期无红灯项目。")
    content.para(f"黄灯项目{len(yellow)}个：{said(yellow)}。" if yellow else "本期无黄灯项目。")
    rows = [
        [
            index,
            row.get("colour") or light,
            row["name"],
            row["region"],
            D(row["planned"]),
            D(row["completed"]),
            D(row["rate"]),
            _light_reason(row),
            row["leader"] or "—",
            row["department"] or "—",
            row["owner"] or "—",
        ]
        for index, (light, row) in enumerate(
            [("红灯", row) for row in red] + [("黄灯", row) for row in yellow], start=1
        )
    ]
    content.attachments.append(
        AttachmentTable(
            "lights",
            "红黄灯项目清单",
            [
                "序号",
                "灯色",
                "项目名称",
                "县（市、区）",
                "年度计划（亿元）",
                "累计完成（亿元）",
                "完成比例（%）",
                "亮灯原因",
                "包抓领导",
                "牵头单位",
                "建设单位",
            ],
            rows,
        )
    )


def _problems(content: BulletinContent, s: dict) -> None:
    p = s["problems"]
    content.heading("问题协调")
    parts = []
    parts.append(f"本期新提出问题{p['raised']}个" if p["raised"] else "本期无新提出问题")
    if p["escalated"]:
        items = "、".join(
            f"{item['project']}{item['type']}问题（提请{item['to_level']}）"
            for item in p["escalated_items"][:NAMES_IN_TEXT]
        )
        parts.append(f"提请上级协调{p['escalated']}个，包括{items}")
    if p["resolved"]:
        parts.append(f"协调解决{p['resolved']}个")
    sentence = "，".join(parts)
    if p["open"]:
        sentence += f"；目前仍有{p['open']}个问题正在协调"
        if p["overdue"]:
            sentence += f"，其中{p['overdue']}个已超过办结时限"
    else:
        sentence += "；目前无待协调问题"
    content.para(sentence + "。")


def _statistics(content: BulletinContent, s: dict) -> None:
    items = s["statistics"]["items"]
    count = s["figures"]["statistics_candidates_count"]["value"]
    if not count:
        return
    period = s["period"]
    content.heading("入库纳统")
    year, month = (period["year"] + 1, 1) if period["month"] == 12 else (period["year"], period["month"] + 1)
    content.para(
        f"{period['as_of']}，已开工但尚未入统、总投资{s['statistics']['threshold']}万元以上的项目{count}个，"
        f"总投资{s['figures']['statistics_candidates_investment']['value']}亿元。"
        f"请各地于{'' if year == period['year'] else f'{year}年'}{month}月{s['statistics']['deadline_day']}日前完成入库纳统。"
    )
    content.attachments.append(
        AttachmentTable(
            "statistics",
            "应统未统项目清单",
            ["序号", "项目名称", "县（市、区）", "总投资（万元）", "实际开工日期"],
            [
                [index, row["name"], row["region"], D(row["total"]), row["started"] or "—"]
                for index, row in enumerate(items, start=1)
            ],
        )
    )


#: The bulletin's sections in order, each `section(content, snapshot)`: it adds its heading
#: (numbered in order, so a section that says nothing leaves no gap), sentences and
#: attachment tables, reading only the snapshot. A new section is one function added here
#: (and, if it needs figures the snapshot lacks, a key added in snapshot.snapshot_take);
#: 下步要求 always comes last.
SECTIONS = (
    _overall,
    _counties,
    _categories,
    _starts_and_completions,
    _lights,
    _problems,
    _statistics,
    attraction_and_reserve,  # 招商引资和项目谋划储备 (apps/attraction/bulletin.py)
)
