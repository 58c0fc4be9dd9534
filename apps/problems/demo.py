"""Demo problems, escalations, letters, meetings and supervised actions for the demo city.

Called by `apps.projects.demo.generate_demo` (inside its transaction) after projects and
users exist, for demo-sized sets only (the 100,000-project benchmark sets skip it). Reads
the projects back and writes, deterministically from the seed:

- problems on about half of the projects that have not started past their planned start
  (应开未开) and on a tenth of those under construction, with the department that usually
  handles the type responsible and the project's lead official coordinating;
- a mix of states: open, in progress with actions, escalated to a special or executive
  meeting (one to the standing committee), resolved awaiting confirmation, closed, put aside;
  some past their level's time limit or their deadline;
- 交办函 / 提醒函 / 督办函 on some problems (the Word documents and the number counters
  included), some answered on time, some late, some not yet;
- last month's dispatch meeting and a special meeting, with decisions as supervised actions.

Like the rest of the seed it is an initial load and writes no change records.
"""

import dataclasses
import datetime
import random

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.projects.models import Project, Stage
from apps.regions.models import Organisation, OrganisationKind, RegionLevel

from . import letters as letter_documents
from .models import (
    LADDER,
    ActionStatus,
    Escalation,
    EscalationLevel,
    Letter,
    LetterCounter,
    LetterKind,
    Meeting,
    MeetingKind,
    Problem,
    ProblemAction,
    ProblemStatus,
    ProblemType,
    SupervisedAction,
    level_time_limit,
)
from .services import letter_reference

# The largest project set that gets demo problems: seed_demo also builds benchmark sets.
MAX_PROJECTS = 5000

# type: (responsible department name, descriptions)
TYPES = {
    ProblemType.LAND: (
        "市自然资源和规划局",
        [
            "项目红线内仍有 %d 户未签订征收补偿协议",
            "建设用地指标不足，需省厅调剂 %d 亩",
            "林地占用手续未办结，涉及 %d 亩",
        ],
    ),
    ProblemType.PLANNING: (
        "市自然资源和规划局",
        ["规划方案与控规不一致，需调整 %d 处用地性质", "规划许可待审批，已提交 %d 天"],
    ),
    ProblemType.ENVIRONMENT: (
        "市生态环境局",
        ["环评报告书需补充 %d 项专题论证", "项目涉及水源保护区，需调整 %d 处选线"],
    ),
    ProblemType.FUNDS: ("市财政局", ["项目资本金缺口 %d00 万元", "专项债券资金 %d00 万元尚未拨付到位"]),
    ProblemType.APPROVALS: (
        "市行政审批服务局",
        ["施工许可因 %d 项前置要件缺失未能办理", "可研批复待省发改委审核，已 %d 天"],
    ),
    ProblemType.CONSTRUCTION: (
        "市住房和城乡建设局",
        ["施工单位人员设备不足，%d 个标段进度滞后", "地质条件变化需设计变更，影响工期 %d 天"],
    ),
    ProblemType.UTILITIES: ("市发展和改革委员会", ["施工用电需新建 %d 千伏线路", "供水管线迁改涉及 %d 处交叉"]),
    ProblemType.OTHER: ("市发展和改革委员会", ["周边群众诉求 %d 项未化解", "文物勘探需时约 %d 天"]),
}
ACTIONS = [
    "包抓领导现场办公，明确责任分工",
    "牵头单位组织相关部门会商",
    "责任单位与建设单位对接，制定推进方案",
    "向省级主管部门汇报争取支持",
]


@dataclasses.dataclass
class ProblemsSummary:
    problems: int = 0
    escalations: int = 0
    letters: int = 0
    meetings: int = 0
    supervised_actions: int = 0


def generate_problems_if_small(*, projects: int, seed: int, today: datetime.date) -> ProblemsSummary | None:
    """The demo problems for sets of up to MAX_PROJECTS projects; none for benchmark sets."""
    return generate_problems(seed=seed, today=today) if projects <= MAX_PROJECTS else None


def generate_problems(*, seed: int, today: datetime.date | None = None) -> ProblemsSummary:
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}-problems")
    summary = ProblemsSummary()
    # The demo city is the administrator's (the seed also writes the province's other cities).
    admin = User.objects.filter(role=Role.CITY_ADMIN, region__level=RegionLevel.CITY).select_related("region").first()
    owner_user = User.objects.filter(role=Role.OWNER_REPORTER).order_by("pk").first()
    if admin is None:
        return summary
    city = admin.region
    departments = {o.name: o for o in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)}
    fallback = next(iter(departments.values()))
    projects = list(
        Project.objects.filter(region__code__startswith=city.code_prefix)
        .exclude(stage=Stage.COMPLETED)
        .select_related("lead_official")
        .order_by("pk")
    )
    chosen = [
        p
        for p in projects
        if (
            p.actual_start_date is None and p.planned_start_date and p.planned_start_date < today and rng.random() < 0.5
        )
        or (p.stage == Stage.UNDER_CONSTRUCTION and rng.random() < 0.1)
    ]

    problems, plans = [], []
    for project in chosen:
        for _ in range(rng.choice([1, 1, 2])):
            kind = rng.choice(list(TYPES))
            dept_name, texts = TYPES[kind]
            raised_on = today - datetime.timedelta(days=rng.randint(3, 120))
            climb = rng.choices([0, 1, 2, 3], weights=[60, 25, 12, 1])[0]
            state = rng.choices(
                ["open", "in_progress", "resolved", "closed", "cannot_resolve_now"], weights=[20, 40, 10, 22, 8]
            )[0]
            raiser = owner_user if owner_user and owner_user.organisation_id == project.owner_unit_id else admin
            problem = Problem(
                project=project,
                problem_type=kind,
                description=rng.choice(texts) % rng.randint(2, 30),
                raised_by=raiser,
                raised_on=raised_on,
                responsible_department=departments.get(dept_name, fallback),
                coordinating_leader=project.lead_official,
                deadline=raised_on + datetime.timedelta(days=rng.choice([30, 45, 60, 90])),
                status=ProblemStatus(state),
            )
            problems.append(problem)
            plans.append((problem, climb))

    escalations, actions = [], []
    for problem, climb in plans:
        day = problem.raised_on
        level = EscalationLevel.LEAD_OFFICIAL
        for step in range(climb):
            day = min(today, day + datetime.timedelta(days=rng.randint(7, 25)))
            following = LADDER[step + 1]
            escalations.append((problem, level, following, day))
            level = following
        problem.level = level
        problem.level_since = day
        problem.level_due_date = day + datetime.timedelta(days=level_time_limit(level))
        if problem.status in (ProblemStatus.RESOLVED, ProblemStatus.CLOSED):
            problem.resolved_on = min(today, day + datetime.timedelta(days=rng.randint(3, 30)))
            problem.resolution = "经协调，问题已解决，项目正常推进"
            if problem.status == ProblemStatus.CLOSED:
                problem.closed_on = min(today, problem.resolved_on + datetime.timedelta(days=rng.randint(0, 5)))
        if problem.status == ProblemStatus.CANNOT_RESOLVE_NOW:
            problem.status_note = "受上级政策调整影响，暂不具备解决条件"
    Problem.objects.bulk_create(problems)
    summary.problems = len(problems)

    for problem, from_level, to_level, day in escalations:
        row = Escalation(
            problem=problem,
            from_level=from_level,
            to_level=to_level,
            reason="包抓领导协调后仍需多部门会商，提请上一级研究"
            if to_level == LADDER[1]
            else "涉及资金和政策调整，提请上一级研究决定",
            escalated_on=day,
            escalated_by=admin,
        )
        actions.append(row)
    Escalation.objects.bulk_create(actions)
    summary.escalations = len(actions)

    steps = []
    for problem, _climb in plans:
        if problem.status != ProblemStatus.OPEN:
            for n in range(rng.randint(1, 3)):
                day = min(today, problem.raised_on + datetime.timedelta(days=3 + 7 * n))
                steps.append(
                    ProblemAction(problem=problem, taken_on=day, description=rng.choice(ACTIONS), recorded_by=admin)
                )
    ProblemAction.objects.bulk_create(steps)

    summary.letters = _letters(rng, problems, admin, city, today)
    summary.meetings, summary.supervised_actions = _meetings(rng, problems, admin, city, today, departments, fallback)
    return summary


def _letters(rng, problems, admin, city, today) -> int:
    numbers: dict[tuple[int, str], int] = {}
    letters = []
    for problem in problems:
        if problem.status not in (ProblemStatus.IN_PROGRESS, ProblemStatus.OPEN) or rng.random() > 0.35:
            continue
        kind = rng.choice(list(LetterKind))
        issued_on = min(today, problem.raised_on + datetime.timedelta(days=rng.randint(2, 20)))
        key = (issued_on.year, kind.value)
        numbers[key] = numbers.get(key, 0) + 1
        deadline = issued_on + datetime.timedelta(days=rng.choice([7, 10, 15]))
        letter = Letter(
            problem=problem,
            kind=kind,
            issuer_code=city.code,
            issuer_name=f"{city.name}发展和改革委员会",
            year=issued_on.year,
            number=numbers[key],
            reference=letter_reference(issuer_prefix=city.name, kind=kind, year=issued_on.year, number=numbers[key]),
            addressee=problem.responsible_department,
            title=f"关于{problem.project.name}{problem.get_problem_type_display()}问题的{kind.label}",
            matter=f"{problem.description}。请切实履行职责，加快协调解决。",
            deadline=deadline,
            issued_on=issued_on,
            issued_by=admin,
        )
        answer = rng.random()
        if answer < 0.6 and deadline - datetime.timedelta(days=3) <= today:
            letter.responded_on = min(today, deadline + datetime.timedelta(days=rng.randint(-5, 4)))
            letter.responded_on = max(letter.responded_on, issued_on)
            letter.response = "已组织相关单位专题研究，正在按时限推进。"
        letter.document = letter_documents.letter_docx(letter)
        letters.append(letter)
    Letter.objects.bulk_create(letters)
    LetterCounter.objects.bulk_create(
        LetterCounter(issuer_code=city.code, year=year, kind=kind, last_number=last)
        for (year, kind), last in sorted(numbers.items())
    )
    return len(letters)


def _meetings(rng, problems, admin, city, today, departments, fallback) -> tuple[int, int]:
    dispatch_day = today.replace(day=1) - datetime.timedelta(days=5)
    dispatch = Meeting.objects.create(
        kind=MeetingKind.MONTHLY_DISPATCH,
        title=f"{city.name}{dispatch_day.year}年{dispatch_day.month}月重大项目调度会",
        region=city,
        held_on=dispatch_day,
        attendees="市级包抓领导、各牵头单位、各县区分管负责同志",
        location="市政府第一会议室",
        minutes="听取各包抓项目推进情况汇报，研究解决项目建设中的突出问题。",
        created_by=admin,
    )
    special = Meeting.objects.create(
        kind=MeetingKind.SPECIAL_MEETING,
        title=f"{city.name}重大项目要素保障专题会议",
        region=city,
        held_on=today - datetime.timedelta(days=10),
        attendees="市发改委、市自然资源和规划局、市生态环境局、市财政局",
        location="市政府第三会议室",
        minutes="专题研究项目用地、环评和资金保障问题。",
        created_by=admin,
    )
    active = [p for p in problems if p.status in (ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS)]
    special_problems = [p for p in active if p.level == EscalationLevel.SPECIAL_MEETING]
    dispatch.problems.set([p for p in active if p.level == EscalationLevel.LEAD_OFFICIAL][:20])
    special.problems.set(special_problems[:20])
    count = 0
    for meeting, chosen in ((dispatch, active[:8]), (special, special_problems[:6])):
        for problem in chosen:
            status = rng.choices(list(ActionStatus), weights=[30, 40, 15, 15])[0]
            action = SupervisedAction.objects.create(
                meeting=meeting,
                decision=f"{problem.responsible_department.name}牵头，{problem.description}问题限期解决",
                owner=problem.responsible_department or fallback,
                deadline=meeting.held_on + datetime.timedelta(days=rng.choice([10, 20, 30])),
                status=status,
                progress="" if status == ActionStatus.OPEN else "已对接建设单位，正在推进",
                done_on=today if status in (ActionStatus.DONE, ActionStatus.CLOSED) else None,
                closed_on=today if status == ActionStatus.CLOSED else None,
            )
            action.problems.set([problem])
            action.projects.set([problem.project_id])
            count += 1
    return 2, count
