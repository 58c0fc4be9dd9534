"""The brief as one A4 page (.docx through the shared 公文 machinery; PDF when LibreOffice
is installed): 公文 page and fonts, a smaller size so that it fits one page."""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from apps.documents.gbt9704 import SIZE_TABLE, OfficialDocument, chinese_date
from apps.documents.pdf import docx_to_pdf

from .selectors import Brief

BRIEF_SIZE = Pt(12)  # 小四: one page
BRIEF_LINE = Pt(20)


def _value(brief: Brief, key: str) -> str:
    value = brief.figure(key).value
    return "—" if value is None else str(value)


def schedule_phrase(lag) -> str:
    if lag is None:
        return ""
    if lag > 0:
        return f"，欠时序进度{lag}个百分点"
    if lag < 0:
        return f"，超时序进度{-lag}个百分点"
    return "，与时序进度持平"


def summary_sentences(brief: Brief) -> list[str]:
    """The brief's sentences (the same on the screen and in the file)."""
    count = brief.figure("key_projects_count").value
    if not count:
        return [f"{brief.as_of}，{brief.year}年无编制年度计划的包抓项目。"]
    month_words = "1月" if brief.month == 1 else f"1-{brief.month}月"
    whose = "包抓及分管部门牵头的重点项目" if brief.departments else "包抓重点项目"
    first = (
        f"{brief.as_of}，{whose}{count}个，总投资{_value(brief, 'key_projects_total_investment')}亿元，"
        f"年度计划投资{_value(brief, 'annual_planned_investment')}亿元；{month_words}完成投资"
        f"{_value(brief, 'completed_ytd')}亿元"
    )
    rate = brief.figure("plan_completion_rate").value
    if rate is not None:
        first += f"，占年度计划的{rate}%" + schedule_phrase(brief.figure("lag_points").value)
    second = f"已开工{_value(brief, 'started_count')}个（含续建）"
    planned_new = brief.figure("planned_new_starts").value
    if planned_new:
        second += (
            f"；计划新开工{planned_new}个，已开工{_value(brief, 'new_starts_started')}个，"
            f"新开工项目开工率{_value(brief, 'start_rate')}%"
        )
    not_started = brief.figure("not_started_count").value
    second += f"；应开未开{not_started}个" if not_started else "；无应开未开项目"
    second += f"；建成投用{brief.completed_count}个" if brief.completed_count else ""
    sentences = [first + "。", second + "。"]
    unverified = brief.figure("unverified_reports").value
    if unverified:
        sentences.append(f"完成投资含{unverified}份已报送尚未审核的月报。")
    return sentences


def visit_line(visit, label: str) -> str:
    names = "、".join(project.name for project in visit.projects.all()[:3])
    text = f"{label}：{chinese_date(visit.visited_on)} {names}"
    if visit.decisions:
        text += f"（议定：{visit.decisions.splitlines()[0]}）"
    return text


def brief_docx(brief: Brief, *, day) -> bytes:
    person = brief.person
    document = OfficialDocument(title="领导简报", created=day)

    def para(text, *, bold=False, align=None, indent=True):
        paragraph = document.paragraph(text, indent=indent, align=align, size=BRIEF_SIZE)
        paragraph.paragraph_format.line_spacing = BRIEF_LINE
        if bold:
            for run in paragraph.runs:
                run.bold = True
        return paragraph

    scope = "包抓及分管部门牵头项目" if brief.departments else "包抓项目"
    para(
        f"{person.name}{person.position}{scope} · {brief.as_of} · {chinese_date(day)}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    for sentence in summary_sentences(brief):
        para(sentence)
    para(f"红黄灯项目（{len(brief.lights)}个）", bold=True)
    if brief.lights:
        document.table(
            ["项目", "灯色", "完成年度计划", "亮灯原因", "牵头/建设单位"],
            [
                [
                    item["name"],
                    item["light_label"],
                    "—" if item["rate"] is None else f"{item['rate']}%",
                    item["reason"],
                    item["department"] or item["owner"],
                ]
                for item in brief.lights[:5]
            ],
            size=SIZE_TABLE,
        )
        if len(brief.lights) > 5:
            para(f"另有{len(brief.lights) - 5}个，见系统。")
    else:
        para("无红灯、黄灯项目。")
    para("待您协调的问题", bold=True)
    if brief.problems:
        for index, problem in enumerate(brief.problems, start=1):
            para(
                f"{index}.{problem.project.name}：{problem.get_problem_type_display()}，"
                f"责任单位{problem.responsible_department.name}，时限{chinese_date(problem.deadline)}。"
            )
    else:
        para("无。")
    para("近期节点与督办事项", bold=True)
    lines = [f"{chinese_date(item.baseline_date)} {item.project.name}：{item.name}" for item in brief.milestones]
    if brief.overdue_milestones:
        lines.append(f"已逾期未完成节点{brief.overdue_milestones}个。")
    lines += [f"督办：{item.decision}（{item.owner.name}，{chinese_date(item.deadline)}前）" for item in brief.actions]
    lines += [f"会议：{chinese_date(item.held_on)} {item.title}" for item in brief.meetings]
    lines += [visit_line(item, "现场调度") for item in brief.recent_visits]
    lines += [visit_line(item, "拟现场调度") for item in brief.due_visits]
    for line in lines or ["无。"]:
        para(line)
    return document.to_bytes()


def brief_pdf(docx: bytes) -> bytes | None:
    return docx_to_pdf(docx)
