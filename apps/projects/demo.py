"""A realistic, deterministic demo city (示范市) for development, demos and benchmarks.

`generate_demo(projects=400, seed=20261121)` writes a province, a city and its counties,
departments, construction units, city leaders, projects with annual plans and milestones,
and one demo user per role, in one transaction with bulk inserts; then (apps.reporting.demo)
monthly reports and reporting periods for `report_years` years, and the official statistics
(FAI per region and month, targets, the province's list). The same seed gives the same data
(dates are anchored on `today`). The seed is a synthetic initial load: it writes no change
records.

Only `random.Random(seed)` is used, never the global generator, and nothing iterates a set,
so the output depends on the seed alone.
"""

import dataclasses
import datetime
import random
from collections import Counter
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from apps.accounts.models import Role, User
from apps.accounts.roles import STAFF_ROLES
from apps.core.bulk import bulk_copy
from apps.regions.models import Organisation, OrganisationKind, Person, Region, RegionLevel

from .models import AnnualPlan, Category, InvestorType, Level, Milestone, Project, Stage

DEFAULT_PROJECTS = 400
DEFAULT_SEED = 20261121
DEFAULT_REPORT_YEARS = 2
DEMO_PASSWORD = "demo12345"  # noqa: S105 - the public demo password, printed by `make run`
APPROVALS_DEMO_MAX_PROJECTS = 5000

PROVINCE = ("610000", "示范省")
CITY = ("610300", "示范市")
CITY_SHORT = "示范"
# GB/T 2260 county-level codes under the city; the name before the last character is the
# short form used in project names (渭滨区 -> 渭滨), two-character names stay whole (眉县).
COUNTIES = [
    ("610302", "渭滨区", ["神农镇", "马营镇", "石鼓镇", "高家镇", "八鱼镇"], 14),
    ("610303", "金台区", ["陈仓镇", "蟠龙镇", "金河镇", "硖石镇"], 12),
    ("610304", "陈仓区", ["虢镇", "千河镇", "磻溪镇", "阳平镇", "周原镇", "贾村镇", "县功镇"], 13),
    ("610305", "凤翔区", ["城关镇", "虢王镇", "彪角镇", "横水镇", "田家庄镇", "柳林镇"], 10),
    ("610323", "岐山县", ["蔡家坡镇", "凤鸣镇", "益店镇", "蒲村镇", "青化镇", "故郡镇"], 10),
    ("610324", "扶风县", ["城关街道", "法门镇", "天度镇", "午井镇", "绛帐镇", "杏林镇"], 8),
    ("610326", "眉县", ["首善街道", "横渠镇", "槐芽镇", "汤峪镇", "齐镇", "金渠镇"], 8),
    ("610327", "陇县", ["城关镇", "东风镇", "八渡镇", "温水镇", "东南镇"], 6),
    ("610328", "千阳县", ["城关镇", "崔家头镇", "南寨镇", "张家塬镇", "水沟镇"], 5),
    ("610329", "麟游县", ["九成宫镇", "崔木镇", "招贤镇", "两亭镇", "常丰镇"], 4),
    ("610330", "凤县", ["双石铺镇", "凤州镇", "黄牛铺镇", "红花铺镇", "河口镇"], 5),
    ("610331", "太白县", ["咀头镇", "桃川镇", "靖口镇", "太白河镇", "鹦鸽镇"], 5),
]

# key, name, short name
DEPARTMENTS = [
    ("ndrc", "市发展和改革委员会", "市发改委"),
    ("industry", "市工业和信息化局", "市工信局"),
    ("education", "市教育局", ""),
    ("civil", "市民政局", ""),
    ("finance", "市财政局", ""),
    ("land", "市自然资源和规划局", "市资源规划局"),
    ("environment", "市生态环境局", ""),
    ("housing", "市住房和城乡建设局", "市住建局"),
    ("urban", "市城市管理执法局", "市城管执法局"),
    ("transport", "市交通运输局", "市交通局"),
    ("water", "市水利局", ""),
    ("agriculture", "市农业农村局", "市农业农村局"),
    ("commerce", "市商务局", ""),
    ("culture", "市文化和旅游局", "市文旅局"),
    ("health", "市卫生健康委员会", "市卫健委"),
    ("sports", "市体育局", ""),
    ("forestry", "市林业局", ""),
    ("approval", "市行政审批服务局", "市审批局"),
]
# Departments that usually cooperate on approvals (协作单位).
PARTNER_KEYS = ["ndrc", "land", "environment", "housing", "finance", "approval", "water", "transport"]

# name, position, affinity per category (weight as 包抓领导), weight for provincial projects
LEADERS = [
    ("赵振华", "市委书记", {}, 3.0),
    ("陈立新", "市委副书记、市长", {}, 4.0),
    ("刘文涛", "市委副书记", {Category.URBANISATION: 2, Category.SOCIAL: 1}, 0.5),
    ("王建民", "市委常委、常务副市长", {Category.INFRASTRUCTURE: 3, Category.INDUSTRY: 3}, 2.0),
    ("黄志伟", "市委常委、示范高新区党工委书记", {Category.INDUSTRY: 3}, 1.0),
    ("郑国庆", "市委常委、秘书长", {}, 0.2),
    ("李晓东", "副市长", {Category.INDUSTRY: 5}, 1.0),
    ("孙海峰", "副市长", {Category.URBANISATION: 5, Category.INFRASTRUCTURE: 2}, 1.0),
    ("周丽娟", "副市长", {Category.SOCIAL: 5}, 0.5),
    ("杨永刚", "副市长", {Category.INFRASTRUCTURE: 5, Category.ECOLOGY: 2}, 1.0),
    ("吴建军", "副市长", {Category.ECOLOGY: 5, Category.INDUSTRY: 1}, 0.5),
]

STAGE_SHARES = [(Stage.RESERVE, 10), (Stage.PRELIMINARY, 25), (Stage.UNDER_CONSTRUCTION, 50), (Stage.COMPLETED, 15)]
LEVEL_SHARES = [(Level.PROVINCIAL, 10), (Level.MUNICIPAL, 40), (Level.COUNTY, 50)]
CATEGORY_SHARES = [
    (Category.INFRASTRUCTURE, 30),
    (Category.INDUSTRY, 30),
    (Category.SOCIAL, 15),
    (Category.URBANISATION, 15),
    (Category.ECOLOGY, 10),
]
INVESTOR_WEIGHTS = {  # government, enterprise, private
    Category.INFRASTRUCTURE: (70, 25, 5),
    Category.INDUSTRY: (5, 35, 60),
    Category.SOCIAL: (80, 10, 10),
    Category.URBANISATION: (50, 30, 20),
    Category.ECOLOGY: (70, 20, 10),
}
INVESTOR_TYPES = [InvestorType.GOVERNMENT, InvestorType.ENTERPRISE, InvestorType.PRIVATE]
# 万元 ranges, many small and few huge; weights per level.
INVESTMENT_BUCKETS = [(2000, 5000), (5000, 10000), (10000, 30000), (30000, 80000), (80000, 200000), (200000, 500000)]
INVESTMENT_WEIGHTS = {
    Level.COUNTY: (35, 30, 22, 10, 3, 0),
    Level.MUNICIPAL: (10, 20, 30, 25, 12, 3),
    Level.PROVINCIAL: (0, 0, 10, 30, 35, 25),
}
LEAD_OFFICIAL_SHARE = {Level.PROVINCIAL: 95, Level.MUNICIPAL: 80, Level.COUNTY: 35}

# 审批类型 in the project code: 01 审批, 02 核准, 03 备案.
APPROVAL_KIND = {InvestorType.GOVERNMENT: ("01",), InvestorType.ENTERPRISE: ("02", "03"), InvestorType.PRIVATE: ("03",)}

MILESTONES_BEFORE_START = ["用地手续", "环评批复", "施工许可"]


@dataclasses.dataclass
class DemoSummary:
    seed: int
    year: int
    regions: int = 0
    departments: int = 0
    owner_units: int = 0
    other_organisations: int = 0
    leaders: int = 0
    projects: int = 0
    annual_plans: int = 0
    milestones: int = 0
    partner_links: int = 0
    users: int = 0
    in_statistics: int = 0
    stages: dict = dataclasses.field(default_factory=dict)
    anchors: dict = dataclasses.field(default_factory=dict)
    skipped_users: list = dataclasses.field(default_factory=list)
    # apps.reporting.demo.ReportingSummary, or None with report_years=0
    reporting: object = None

    @property
    def organisations(self) -> int:
        return self.departments + self.owner_units + self.other_organisations


def demo_users_table(anchors: dict | None = None) -> list[tuple[str, str, str, str]]:
    """(username, password, role label, what the user sees) for every demo user.

    `anchors` (from `DemoSummary.anchors`) names the leader and the owner unit; without it
    the descriptions are generic, as in the README.
    """
    anchors = anchors or {}
    leader = anchors.get("leader")
    owner = anchors.get("owner")
    rows = [
        ("admin", Role.CITY_ADMIN, "示范市全部项目，可维护；可在管理后台维护业务数据（非超级用户）"),
        (
            "leader",
            Role.CITY_LEADER,
            f"示范市全部项目（只读），对应包抓项目最多的市级领导{f'：{leader}' if leader else ''}",
        ),
        ("county", Role.COUNTY_USER, "渭滨区的项目，可维护"),
        ("dept", Role.DEPARTMENT_USER, "市交通运输局牵头或协作的项目（只读）"),
        ("owner", Role.OWNER_REPORTER, f"本单位{f'（{owner}）' if owner else ''}的项目，填报进度"),
        ("auditor", Role.AUDITOR, "全部项目及修改记录（只读）"),
        ("zhaoshang", Role.DEPARTMENT_USER, "市投资促进局（招商局）招商的线索，可维护，含投资方联系人"),
        ("signer", Role.CITY_ADMIN, "示范市全部项目，可维护；审核、签发通报（第二名管理员）"),
        # 三员分立: no business data, each administers one thing.
        ("sysadmin", Role.SYSTEM_ADMIN, "管理后台：用户账号、区划、单位、人员、工作日历；不能改业务数据和审计记录"),
        ("secadmin", Role.SECURITY_ADMIN, "管理后台：角色、停用、解锁、双因素重置、结束会话、令牌吊销、安全事件"),
        ("auditadmin", Role.AUDIT_ADMIN, "管理后台：安全事件与变更记录（只读），校验审计链"),
    ]
    return [(username, DEMO_PASSWORD, str(role.label), scope) for username, role, scope in rows]


def database_has_data() -> bool:
    """Whether the registry already holds data the demo would collide with."""
    return (
        Project.objects.exists()
        or Region.objects.exists()
        or Organisation.objects.exists()
        or Person.objects.filter(is_city_leader=True).exists()
    )


def generate_demo(
    *,
    projects: int = DEFAULT_PROJECTS,
    seed: int = DEFAULT_SEED,
    year: int | None = None,
    today: datetime.date | None = None,
    chunk_size: int = 5000,
    report_years: int = DEFAULT_REPORT_YEARS,
) -> DemoSummary:
    """Write the demo city into an empty database and return what was written.

    `report_years`: monthly reports and statistics for this many years up to the last ended
    month (0: none).
    """
    today = today or timezone.localdate()
    year = year or today.year
    with transaction.atomic():
        summary = _Generator(projects=projects, seed=seed, year=year, today=today, chunk_size=chunk_size).run()
        if report_years > 0:
            from apps.reporting.demo import generate_reporting

            summary.reporting = generate_reporting(seed=seed, today=today, report_years=report_years)
            summary.regions += summary.reporting.peer_cities
        from apps.problems.demo import generate_problems_if_small

        summary.problems = generate_problems_if_small(projects=projects, seed=seed, today=today)
        if projects <= APPROVALS_DEMO_MAX_PROJECTS:  # the province-scale benchmark set has none
            from apps.approvals.demo import generate_approvals

            summary.approvals = generate_approvals(seed=seed, today=today, password=DEMO_PASSWORD)
            from apps.funding.demo import generate_funding

            summary.funding = generate_funding(seed=seed, today=today, password=DEMO_PASSWORD)
            from apps.attraction.demo import generate_attraction

            summary.attraction = generate_attraction(seed=seed, today=today, password=DEMO_PASSWORD)
            from apps.reserve.demo import generate_reserve

            summary.reserve = generate_reserve(seed=seed, today=today)
        from apps.lights.demo import generate_lights_if_small

        summary.lights = generate_lights_if_small(projects=projects, today=today)
        from apps.briefs.demo import generate_visits_if_small

        generate_visits_if_small(projects=projects, today=today)
        from apps.bulletins.demo import generate_bulletins_if_small

        generate_bulletins_if_small(projects=projects, today=today, password=DEMO_PASSWORD)
        from apps.assessment.demo import generate_assessment_if_small

        run = generate_assessment_if_small(projects=projects, seed=seed, today=today)
        if run is not None:
            from apps.allocation.demo import generate_allocation

            generate_allocation(run=run)
        return summary


# --- helpers --------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals (二, 十二, 二十三)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def quotas(n: int, shares: list) -> list:
    """`n` values split by `shares` with the largest-remainder method, every value at least once if n allows."""
    total = sum(weight for _, weight in shares)
    exact = [(value, n * weight / total) for value, weight in shares]
    counts = [int(x) for _, x in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i][1] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    for i, count in enumerate(counts):  # a tiny n still gets every value when possible
        if count == 0 and n >= len(shares):
            donor = max(range(len(counts)), key=lambda j: counts[j])
            counts[donor] -= 1
            counts[i] = 1
    return [value for (value, _), count in zip(shares, counts, strict=True) for _ in range(count)]


_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # USCC alphabet (no I, O, S, V, Z)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(body: str) -> str:
    """GB 11714 organisation code: 8 characters and their check character."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _days(rng, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


# --- name and scope templates ---------------------------------------------------------------
# Each template: (lead department key, public owner pool, company trade group, industry code,
# function(rng, ctx) -> (name, scope), weight). Public owner pools: platform kinds ("urban",
# "traffic", "water", "culture", "industry"), "power", "hospital", "school" (institutions).

ROADS_NATIONAL = ["G342", "G244", "G316", "G345", "G310", "G566"]
ROADS_PROVINCIAL = ["S104", "S106", "S210", "S212", "S219", "S306", "S320"]
STREET_WORDS = [
    "迎宾",
    "秦岭",
    "凤鸣",
    "渭水",
    "金陵",
    "清姜",
    "东风",
    "团结",
    "建设",
    "和平",
    "创业",
    "科技",
    "滨河",
    "高新",
    "长寿",
    "振兴",
    "文化",
    "南山",
    "北坡",
    "西岐",
]
OLD_QUARTERS = ["西关", "东关", "南关", "北关", "老城", "古城", "鼓楼", "文庙", "城隍庙", "十里铺"]
RIVERS = ["渭河", "千河", "金陵河", "清姜河", "石头河", "伐鱼河", "清水河", "磻溪河", "漆水河", "美阳河", "嘉陵江"]
RESERVOIR_WORDS = ["龙泉", "白云", "青峰", "石门", "东沟", "柳湾", "鹿鸣", "清泉", "碾子沟", "马家河"]
TONNES = [1, 2, 3, 5, 8, 10, 15, 20, 30, 50]  # 万吨
MATERIALS = [  # product, unit, amounts
    ("新能源材料", "万吨", TONNES),
    ("锂电池正极材料", "万吨", TONNES),
    ("高性能铝合金型材", "万吨", TONNES),
    ("特种钢材", "万吨", TONNES),
    ("新型环保建材", "万吨", TONNES),
    ("精细化工产品", "万吨", TONNES),
    ("玻璃纤维", "万吨", TONNES),
    ("高端钛及钛合金材料", "吨", [500, 1000, 2000, 3000, 5000, 10000]),
    ("碳纤维复合材料", "吨", [500, 1000, 2000, 5000]),
    ("钛合金精密锻件", "吨", [300, 500, 1000, 2000, 3000]),
]
PRODUCTS = [
    "数控机床",
    "汽车零部件",
    "重型卡车",
    "石油钻采装备",
    "轨道交通装备",
    "新能源汽车电机",
    "智能电表",
    "工业机器人",
    "无人机",
    "风电齿轮箱",
    "光伏组件",
    "电子元器件",
]
CROPS = ["猕猴桃", "苹果", "辣椒", "花椒", "中药材", "高山蔬菜", "小麦", "奶山羊乳", "食用菌", "核桃"]
BRANDS = [
    "秦川",
    "宝光",
    "渭源",
    "岐丰",
    "凤鸣",
    "金台",
    "西岐",
    "周原",
    "太白",
    "陈仓",
    "千渭",
    "钛谷",
    "华秦",
    "天成",
    "恒泰",
    "瑞丰",
    "鼎盛",
    "中科",
    "博远",
    "宏达",
    "新阳",
    "长岭",
    "银河",
    "东岭",
    "西部",
    "汇通",
    "盛源",
    "康达",
    "华远",
    "启明",
    "正大",
    "联创",
    "星海",
    "德润",
    "嘉禾",
    "众鑫",
    "安泰",
    "兴隆",
    "凯达",
    "丰源",
]
COMPANY_TRADES = [  # trade in the name, trade group the company builds for
    ("新能源科技", "energy"),
    ("光伏发电", "energy"),
    ("风力发电", "energy"),
    ("新材料科技", "industry"),
    ("钛业", "industry"),
    ("机械制造", "industry"),
    ("汽车零部件", "industry"),
    ("电子科技", "industry"),
    ("智能装备", "industry"),
    ("化工", "industry"),
    ("建材", "industry"),
    ("生物医药", "industry"),
    ("食品", "agriculture"),
    ("农业科技", "agriculture"),
    ("果业", "agriculture"),
    ("物流", "commerce"),
    ("商贸", "commerce"),
    ("供应链管理", "commerce"),
    ("信息技术", "digital"),
    ("数据科技", "digital"),
    ("置业", "housing"),
    ("房地产开发", "housing"),
    ("建设工程", "housing"),
    ("文化旅游开发", "culture"),
    ("体育文化", "culture"),
    ("环保科技", "environment"),
    ("环境工程", "environment"),
    ("水务", "water"),
    ("医疗健康产业", "health"),
    ("康养产业", "health"),
    ("教育科技", "education"),
]
TRADE_GROUPS = list(dict.fromkeys(group for _, group in COMPANY_TRADES))
PLATFORMS = [  # kind, county-level suffix, city-level name
    ("urban", "城市建设投资有限公司", "示范市城市建设投资控股集团有限公司"),
    ("traffic", "交通建设投资有限公司", "示范市交通建设投资集团有限公司"),
    ("water", "水务投资有限公司", "示范市水务集团有限公司"),
    ("culture", "文化旅游投资有限公司", "示范市文化旅游投资集团有限公司"),
    ("industry", "产业投资发展有限公司", "示范市产业投资集团有限公司"),
]
CITY_UTILITIES = [("power", "国网示范供电公司"), ("urban", "示范市城市燃气有限公司")]
URBAN_DISTRICTS = ("610302", "610303")  # where the city's own hospitals and schools build
CITY_HOSPITALS = ["示范市中心医院", "示范市人民医院", "示范市中医医院", "示范市妇幼保健院", "示范市第三人民医院"]
CITY_SCHOOLS = [
    "示范文理学院",
    "示范职业技术学院",
    "示范市第一中学",
    "示范中学",
    "示范市实验小学",
    "示范市特殊教育学校",
]
HOSPITAL_BUILDINGS = ["门诊综合楼", "住院楼", "医技楼", "新院区", "急诊急救中心", "传染病区", "康复医学中心"]


def _road_national(rng, c):
    std = rng.choice(["一级", "二级"])
    length = rng.randint(8, 60)
    return (
        f"{rng.choice(ROADS_NATIONAL)}线{c.place}{c.stem if rng.random() < 0.6 else ''}段改扩建工程",
        f"项目全长{length}公里，按{std}公路标准改扩建，设计速度{rng.choice([60, 80])}公里/小时，"
        f"路基宽度{rng.choice([12, 17, 24.5])}米；新建桥梁{rng.randint(2, 12)}座、涵洞{rng.randint(10, 60)}道，"
        "同步实施交通安全、排水及绿化工程。",
    )


def _road_provincial(rng, c):
    a, b = rng.sample(c.towns, 2) if len(c.towns) > 1 else (c.towns[0], c.towns[0])
    length = rng.randint(6, 40)
    return (
        f"{rng.choice(ROADS_PROVINCIAL)}{a.removesuffix('镇')}至{b.removesuffix('镇')}段公路工程",
        f"新建二级公路{length}公里，路基宽度12米，沥青混凝土路面；新建中小桥{rng.randint(1, 8)}座，配套防护及交通安全设施。",
    )


def _road_rural(rng, c):
    length = rng.randint(20, 150)
    return (
        f"{c.place}{c.stem}农村公路提升改造工程（{c.year}年）",
        f"改造提升农村公路{length}公里，实施路面加铺、安全生命防护工程及危桥改造{rng.randint(2, 10)}座，"
        f"惠及{rng.randint(20, 90)}个行政村。",
    )


def _road_urban(rng, c):
    a, b, d = rng.sample(STREET_WORDS, 3)
    kind = rng.choice(["路", "大道", "街"])
    length = round(rng.uniform(1.2, 8.5), 1)
    return (
        f"{c.place}{a}{kind}（{b}路—{d}路）新建工程",
        f"新建城市{rng.choice(['主干路', '次干路'])}{length}公里，红线宽度{rng.choice([30, 40, 50, 60])}米，"
        f"双向{rng.choice([4, 6])}车道，同步建设给排水、电力、照明、绿化等附属工程。",
    )


def _reservoir(rng, c):
    volume = rng.randint(120, 2500)
    return (
        f"{c.place}{rng.choice(RESERVOIR_WORDS)}水库工程",
        f"新建{'中型' if volume > 1000 else '小（1）型'}水库一座，总库容{volume}万立方米，建设大坝、溢洪道、放水洞及"
        f"输水管线{rng.randint(5, 40)}公里，设计年供水量{rng.randint(300, 3000)}万立方米。",
    )


def _water_supply(rng, c):
    return (
        f"{c.place}{c.stem}城乡供水一体化工程",
        f"新建水厂一座，日供水规模{rng.randint(1, 10)}万立方米，铺设供水管网{rng.randint(40, 300)}公里，"
        f"覆盖{rng.randint(3, 9)}个镇{rng.randint(30, 120)}个行政村，惠及人口约{rng.randint(5, 30)}万人。",
    )


def _substation(rng, c):
    return (
        f"{c.place}{c.stem}110千伏输变电工程",
        f"新建110千伏变电站一座，主变容量2×{rng.choice([31.5, 50, 63])}兆伏安，架设110千伏线路{rng.randint(5, 40)}公里。",
    )


def _gas(rng, c):
    return (
        f"{c.place}{c.stem}片区天然气管网建设项目",
        f"敷设中压燃气管道{rng.randint(20, 160)}公里，新建门站1座、调压站{rng.randint(2, 12)}座，新增用户约{rng.randint(1, 6)}万户。",
    )


def _logistics(rng, c):
    return (
        f"{c.place}{c.stem}现代物流园基础设施项目",
        f"占地{rng.randint(150, 900)}亩，建设仓储库房{rng.randint(3, 20)}万平方米、冷链物流中心、分拨中心及配套道路、停车场等设施。",
    )


def _data_center(rng, c):
    return (
        f"{c.place}{c.year}年5G网络及数据中心建设项目",
        f"新建5G基站{rng.randint(200, 1500)}个，建设数据中心机房{rng.randint(2000, 20000)}平方米，"
        f"部署标准机柜{rng.randint(300, 3000)}架。",
    )


def _material(rng, c):
    material, unit, amounts = rng.choice(MATERIALS)
    amount = rng.choice(amounts)
    return (
        f"{c.owner_brand if rng.random() < 0.6 else ''}年产{amount}{unit}{material}项目",
        f"占地{rng.randint(50, 600)}亩，新建生产车间、原料库、成品库及研发楼等，总建筑面积{rng.randint(2, 30)}万平方米，"
        f"购置生产设备{rng.randint(50, 600)}台（套），建成后年产{material}{amount}{unit}。",
    )


def _manufacturing(rng, c):
    product = rng.choice(PRODUCTS)
    return (
        f"{c.owner_brand or c.brand}{product}智能制造项目",
        f"新建智能化生产线{rng.randint(2, 12)}条及配套厂房{rng.randint(2, 15)}万平方米，"
        f"达产后年产{product}{rng.randint(1, 50)}万台（套），年产值约{rng.randint(3, 60)}亿元。",
    )


def _solar(rng, c):
    mw = rng.choice([10, 20, 30, 50, 100, 150, 200])
    return (
        f"{c.owner_brand}{c.place}{c.stem}{mw}兆瓦光伏发电项目",
        f"利用荒坡地及厂房屋顶建设光伏发电系统，装机容量{mw}兆瓦，配套建设升压站及储能设施，"
        f"年均发电量约{mw * rng.randint(110, 135)}万千瓦时。",
    )


def _wind(rng, c):
    units = rng.randint(10, 40)
    size = rng.choice([3.6, 4.5, 5.0, 6.25])
    return (
        f"{c.owner_brand}{c.place}{c.stem}{round(units * size / 10)}万千瓦风电项目",
        f"安装单机容量{size}兆瓦风电机组{units}台，新建220千伏升压站一座及集电线路、检修道路。",
    )


def _agri(rng, c):
    crop = rng.choice(CROPS)
    return (
        f"{c.owner_brand}{c.place}{c.stem}{crop}精深加工项目",
        f"新建{crop}加工车间、冷库及质检中心{rng.randint(1, 8)}万平方米，年加工{crop}{rng.randint(1, 20)}万吨，"
        f"带动种植基地{rng.randint(1, 10)}万亩。",
    )


def _industrial_park(rng, c):
    return (
        f"{c.place}{rng.choice(['工业园区', '产业园', '高新区'])}标准化厂房建设项目（{cn_number(rng.randint(1, 5))}期）",
        f"新建标准化厂房{rng.randint(5, 30)}万平方米及配套道路、管网、综合服务楼，可容纳中小企业{rng.randint(20, 80)}家。",
    )


def _tourism(rng, c):
    return (
        f"{c.place}{c.stem}文化旅游综合开发项目",
        f"建设游客服务中心、景区道路{rng.randint(3, 25)}公里、特色民宿{rng.randint(20, 200)}间及文化展示设施，"
        f"年接待能力提升至{rng.randint(30, 200)}万人次。",
    )


def _hospital(rng, c):
    building = rng.choice(HOSPITAL_BUILDINGS)
    area = rng.randint(8000, 90000)
    return (
        f"{c.owner_name}{building}建设项目",
        f"新建{building}{area}平方米，地上{rng.randint(5, 22)}层、地下{rng.randint(1, 3)}层，"
        f"新增床位{rng.randint(100, 1200)}张，配套购置医疗设备并建设室外工程。",
    )


def _school(rng, c):
    if c.owner_name.endswith(("学院", "大学")):
        name = f"{c.owner_name}{rng.choice(['产教融合实训基地', '图书信息中心', '学生公寓', '新校区'])}建设项目"
    else:
        name = f"{c.owner_name}{rng.choice(['教学综合楼', '学生宿舍及食堂', '改扩建', '体育馆'])}建设项目"
    return (
        name,
        f"新建教学楼、实验楼、学生宿舍及食堂等{rng.randint(8000, 80000)}平方米，建设{rng.randint(24, 90)}个教学班，"
        f"新增学位{rng.randint(800, 4500)}个，配套建设运动场及附属设施。",
    )


def _new_school(rng, c):
    kind = rng.choice(["中学", "小学", "九年制学校", "幼儿园"])
    name = (
        f"{c.place}{c.town}中心{kind}建设项目"
        if kind == "幼儿园"
        else f"{c.place}第{cn_number(rng.randint(2, 12))}{kind}建设项目"
    )
    return (
        name,
        f"新建校舍{rng.randint(5000, 40000)}平方米，办学规模{rng.randint(12, 72)}个班，"
        f"新增学位{rng.randint(400, 3200)}个，配套建设运动场、围墙及室外管网。",
    )


def _elderly(rng, c):
    return (
        f"{c.place}{c.stem if rng.random() < 0.5 else ''}{rng.choice(['养老服务中心', '康养中心', '社会福利院'])}建设项目",
        f"新建养老服务用房{rng.randint(5000, 40000)}平方米，设置养老床位{rng.randint(100, 800)}张，配套医养结合设施。",
    )


def _sports(rng, c):
    return (
        f"{c.place}{c.stem if rng.random() < 0.5 else ''}{rng.choice(['全民健身中心', '体育馆', '体育公园'])}建设项目",
        f"建设综合体育馆{rng.randint(5000, 30000)}平方米、室外运动场地及健身步道{rng.randint(2, 10)}公里。",
    )


def _village_renewal(rng, c):
    words = rng.sample(STREET_WORDS, 1)[0]
    return (
        f"{c.place}{words}片区城中村改造项目",
        f"改造城中村{rng.randint(1, 6)}个，拆除旧房{rng.randint(3, 40)}万平方米，新建安置住房{rng.randint(500, 4000)}套"
        "及配套道路、学校、社区服务设施。",
    )


def _old_housing(rng, c):
    return (
        f"{c.place}{c.year}年城镇老旧小区改造项目",
        f"改造老旧小区{rng.randint(10, 80)}个、涉及{rng.randint(1000, 9000)}户，实施屋面防水、外墙保温、管网改造，"
        f"加装电梯{rng.randint(10, 120)}部并整治小区环境。",
    )


def _rental_housing(rng, c):
    return (
        f"{c.place}{c.stem}保障性租赁住房项目",
        f"建设保障性租赁住房{rng.randint(300, 2500)}套，建筑面积{rng.randint(2, 20)}万平方米，配套地下车库及商业服务设施。",
    )


def _historic_street(rng, c):
    return (
        f"{c.place}{rng.choice(OLD_QUARTERS)}历史文化街区保护提升项目",
        f"保护修缮历史建筑{rng.randint(10, 60)}处，改造街巷{rng.randint(2, 8)}公里，完善给排水、电力、消防等基础设施。",
    )


def _pipe_gallery(rng, c):
    return (
        f"{c.place}{rng.choice(STREET_WORDS)}路城市地下综合管廊工程",
        f"建设综合管廊{round(rng.uniform(2, 15), 1)}公里，入廊管线包括给水、电力、通信、燃气等，配套监控中心一座。",
    )


def _county_town(rng, c):
    return (
        f"{c.place}{c.year}年县城市政基础设施补短板项目",
        f"改造提升县城道路{rng.randint(5, 30)}公里，新建雨污分流管网{rng.randint(10, 60)}公里、"
        f"停车场{rng.randint(3, 15)}处，建设口袋公园{rng.randint(5, 20)}个。",
    )


def _sponge_city(rng, c):
    return (
        f"{c.place}{c.year}年海绵城市建设项目",
        f"建设海绵型道路、广场及公园绿地，改造排水防涝设施，治理易涝点{rng.randint(5, 30)}处，"
        f"覆盖面积{rng.randint(3, 25)}平方公里。",
    )


def _sewage_plant(rng, c):
    if c.urban and rng.random() < 0.5:
        name = f"{CITY[1]}第{cn_number(rng.randint(2, 6))}污水处理厂提标改造项目"
    else:
        name = f"{c.place}{c.stem}{rng.choice(['污水处理厂扩建工程', '污水处理厂提标改造项目', '再生水利用工程'])}"
    return (
        name,
        f"新增污水处理能力{rng.randint(1, 10)}万立方米/日，出水水质由一级B提标至一级A标准，"
        f"配套建设污泥处置设施及管网{rng.randint(5, 50)}公里。",
    )


def _river(rng, c):
    return (
        f"{rng.choice(RIVERS)}{c.place}段综合治理工程",
        f"治理河道{rng.randint(5, 40)}公里，新建加固堤防{rng.randint(3, 30)}公里，实施河道清淤、生态护岸及滨河绿道建设。",
    )


def _waste(rng, c):
    tons = rng.choice([300, 500, 600, 800, 1000, 1200])
    return (
        f"{c.place}生活垃圾焚烧发电项目",
        f"日处理生活垃圾{tons}吨，配置{rng.randint(1, 3)}台焚烧炉及{tons // 50}兆瓦汽轮发电机组。",
    )


def _mine(rng, c):
    return (
        f"{c.place}{c.stem}历史遗留矿山生态修复项目",
        f"修复治理矿山迹地{rng.randint(500, 8000)}亩，实施边坡治理、土地复垦和植被恢复。",
    )


def _rural_sewage(rng, c):
    return (
        f"{c.place}{c.stem}农村生活污水治理项目",
        f"建设村级污水处理站{rng.randint(10, 80)}座，铺设污水管网{rng.randint(30, 300)}公里，覆盖{rng.randint(20, 100)}个行政村。",
    )


def _qinling(rng, c):
    return (
        f"{c.place}{c.stem}秦岭北麓生态保护修复项目",
        f"实施退化林修复{rng.randint(1, 20)}万亩、水土流失综合治理{rng.randint(10, 80)}平方公里，建设生态监测站点{rng.randint(5, 30)}个。",
    )


def _kitchen_waste(rng, c):
    return (
        f"{c.place}餐厨废弃物资源化利用项目",
        f"日处理餐厨废弃物{rng.randint(50, 300)}吨，建设预处理、厌氧发酵及沼气利用设施。",
    )


TEMPLATES = {
    Category.INFRASTRUCTURE: [
        ("transport", "traffic", "housing", "48", _road_national, 3),
        ("transport", "traffic", "housing", "48", _road_provincial, 2),
        ("transport", "traffic", "housing", "48", _road_rural, 2),
        ("housing", "urban", "housing", "48", _road_urban, 3),
        ("water", "water", "water", "76", _reservoir, 1),
        ("water", "water", "water", "46", _water_supply, 2),
        ("ndrc", "power", "energy", "44", _substation, 1),
        ("ndrc", "urban", "energy", "45", _gas, 1),
        ("commerce", "industry", "commerce", "59", _logistics, 1),
        ("industry", "industry", "digital", "63", _data_center, 1),
    ],
    Category.INDUSTRY: [
        ("industry", "industry", "industry", "30", _material, 4),
        ("industry", "industry", "industry", "34", _manufacturing, 4),
        ("ndrc", "industry", "energy", "44", _solar, 2),
        ("ndrc", "industry", "energy", "44", _wind, 1),
        ("agriculture", "industry", "agriculture", "13", _agri, 2),
        ("industry", "industry", "housing", "47", _industrial_park, 2),
        ("culture", "culture", "culture", "90", _tourism, 2),
    ],
    Category.SOCIAL: [
        ("health", "hospital", "health", "84", _hospital, 4),
        ("education", "school", "education", "83", _school, 2),
        ("education", "urban", "education", "83", _new_school, 3),
        ("civil", "urban", "health", "85", _elderly, 1),
        ("sports", "urban", "culture", "89", _sports, 1),
    ],
    Category.URBANISATION: [
        ("housing", "urban", "housing", "47", _village_renewal, 3),
        ("housing", "urban", "housing", "47", _old_housing, 3),
        ("housing", "urban", "housing", "70", _rental_housing, 2),
        ("culture", "culture", "culture", "47", _historic_street, 1),
        ("housing", "urban", "housing", "48", _pipe_gallery, 1),
        ("housing", "urban", "housing", "48", _county_town, 2),
        ("housing", "urban", "environment", "48", _sponge_city, 1),
    ],
    Category.ECOLOGY: [
        ("environment", "water", "environment", "46", _sewage_plant, 3),
        ("water", "water", "water", "76", _river, 3),
        ("urban", "urban", "environment", "77", _waste, 1),
        ("land", "urban", "environment", "77", _mine, 1),
        ("environment", "water", "environment", "46", _rural_sewage, 2),
        ("forestry", "urban", "environment", "77", _qinling, 1),
        ("urban", "urban", "environment", "77", _kitchen_waste, 1),
    ],
}


@dataclasses.dataclass
class _Ctx:
    place: str
    town: str
    towns: list
    year: int
    brand: str
    owner_name: str
    owner_trade_name: tuple[str, str]  # a company's brand and trade (秦川, 钛业), else ("", "")
    urban: bool

    @property
    def owner_brand(self) -> str:
        return self.owner_trade_name[0]

    @property
    def stem(self) -> str:
        """The town without 镇/街道 (虢镇 and 齐镇 stay whole)."""
        for suffix in ("街道", "镇"):
            if self.town.endswith(suffix) and len(self.town) > len(suffix) + 1:
                return self.town.removesuffix(suffix)
        return self.town


def _short_place(name: str) -> str:
    return name if len(name) <= 2 else name[:-1]


# --- the generator --------------------------------------------------------------------------


class _Generator:
    def __init__(self, *, projects, seed, year, today, chunk_size):
        self.n = projects
        self.rng = random.Random(seed)
        # A stream of its own, so statistics inclusion leaves every other draw unchanged.
        self.statistics_rng = random.Random(f"{seed}:statistics")
        self.year = year
        self.today = today
        self.chunk_size = max(1, chunk_size)
        self.summary = DemoSummary(seed=seed, year=year)
        self._used_org_codes: dict[str, None] = {}
        self._used_names: dict[str, int] = {}
        self._used_codes: set[str] = set()
        self.project_count_by_owner: Counter = Counter()
        self.project_count_by_leader: Counter = Counter()

    def run(self) -> DemoSummary:
        self._regions()
        self._organisations()
        self._leaders()
        self._projects()
        self._users()
        return self.summary

    # regions

    def _regions(self):
        province = Region.objects.create(code=PROVINCE[0], name=PROVINCE[1], level=RegionLevel.PROVINCE)
        self.city = Region.objects.create(code=CITY[0], name=CITY[1], level=RegionLevel.CITY, parent=province)
        self.counties = Region.objects.bulk_create(
            [Region(code=code, name=name, level=RegionLevel.COUNTY, parent=self.city) for code, name, _, _ in COUNTIES]
        )
        self.county_towns = {code: towns for code, _, towns, _ in COUNTIES}
        self.county_weights = [weight for *_, weight in COUNTIES]
        self.summary.regions = 2 + len(self.counties)

    # organisations

    def _credit_code(self, kind: str, region_code: str, letters: bool = False) -> str:
        """A unique valid 统一社会信用代码: kind (11 organ, 12 institution, 91 company) + region + org code + check."""
        rng = self.rng
        while True:
            if letters:
                body = "MA" + "".join(rng.choice(_ORG_ALPHABET) for _ in range(6))
            else:
                body = f"{rng.randint(0, 99_999_999):08d}"
            org = _org_code(body)
            if org not in self._used_org_codes:
                self._used_org_codes[org] = None
                break
        code = f"{kind}{region_code}{org}"
        return code + uscc.calc_check_digit(code)

    def _organisations(self):
        rng = self.rng
        city_code = self.city.code
        orgs: list[Organisation] = []
        # (pool, county code or None, trade name) for owner units, parallel to `orgs`.
        owner_meta: list[tuple[str, str | None, tuple[str, str] | None]] = []

        departments = [
            Organisation(
                name=name,
                short_name=short,
                kind=OrganisationKind.DEPARTMENT,
                credit_code=self._credit_code("11", city_code),
                region=self.city,
            )
            for _, name, short in DEPARTMENTS
        ]
        others = [
            Organisation(
                name=f"{CITY[1]}人民政府",
                short_name="市政府",
                kind=OrganisationKind.OTHER,
                credit_code=self._credit_code("11", city_code),
                region=self.city,
            ),
            Organisation(
                name=f"中共{CITY[1]}委员会",
                short_name="市委",
                kind=OrganisationKind.OTHER,
                credit_code=self._credit_code("11", city_code),
                region=self.city,
            ),
        ]

        def owner(name, kind_code, region, pool, county_code, letters=False, trade_name=None):
            orgs.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.OWNER_UNIT,
                    credit_code=self._credit_code(kind_code, region.code, letters),
                    region=region,
                )
            )
            owner_meta.append((pool, county_code, trade_name))

        for pool, _, city_name in PLATFORMS:
            owner(city_name, "91", self.city, pool, None)
        for pool, name in CITY_UTILITIES:
            owner(name, "91", self.city, pool, None)
        for name in CITY_HOSPITALS:
            owner(name, "12", self.city, "hospital", None)
        for name in CITY_SCHOOLS:
            owner(name, "12", self.city, "school", None)
        for county in self.counties:
            for pool, suffix, _ in PLATFORMS[:3] if county.name.endswith("县") else PLATFORMS:
                owner(f"{county.name}{suffix}", "91", county, pool, county.code)
            owner(f"{county.name}人民医院", "12", county, "hospital", county.code)
            owner(f"{county.name}中医医院", "12", county, "hospital", county.code)
            owner(f"{county.name}高级中学", "12", county, "school", county.code)

        companies = max(40, self.n // 3 - len(orgs))
        used = {(o.region.code, o.name) for o in orgs}
        for i in range(companies):
            # every county and every trade group gets companies; the rest spread by county weight
            if i < len(self.counties):
                region = self.counties[i]
            elif rng.random() < 0.15:
                region = self.city
            else:
                region = rng.choices(self.counties, weights=self.county_weights)[0]
            for attempt in range(1000):
                if i < len(TRADE_GROUPS):
                    trade = rng.choice([t for t, g in COMPANY_TRADES if g == TRADE_GROUPS[i]])
                else:
                    trade = rng.choice(COMPANY_TRADES)[0]
                brand = rng.choice(BRANDS)
                style = rng.random()
                if style < 0.55:
                    name = f"示范{brand}{trade}有限公司"
                elif style < 0.75:
                    name = f"{brand}{trade}股份有限公司"
                elif style < 0.9:
                    brand = rng.choice(BRANDS) + brand
                    name = f"示范{brand}{trade}有限公司"
                else:
                    name = f"{_short_place(region.name) if region != self.city else CITY_SHORT}{brand}{trade}有限公司"
                if attempt > 50:  # only for enormous sets: number the branch
                    name = name.replace("有限公司", f"第{i}分公司")
                if (region.code, name) not in used:
                    break
            used.add((region.code, name))
            group = dict(COMPANY_TRADES)[trade]
            county_code = region.code if region != self.city else None
            letters = rng.random() < 0.5
            owner(name, "91", region, f"company:{group}", county_code, letters, trade_name=(brand, trade))

        created = Organisation.objects.bulk_create([*departments, *others, *orgs], batch_size=2000)
        self.departments = {key: org for (key, _, _), org in zip(DEPARTMENTS, created, strict=False)}
        self.government = created[len(departments)]
        self.party = created[len(departments) + 1]
        owners = created[len(departments) + len(others) :]
        # pools: (pool, county code or None) -> [organisation ids]
        self.pools: dict[tuple[str, str | None], list[int]] = {}
        self.owner_names: dict[int, str] = {}
        self.owner_trade_names: dict[int, tuple[str, str]] = {}
        for org, (pool, county_code, trade_name) in zip(owners, owner_meta, strict=True):
            self.pools.setdefault((pool, county_code), []).append(org.pk)
            self.owner_names[org.pk] = org.name
            if pool.startswith("company"):
                self.owner_trade_names[org.pk] = trade_name
                self.pools.setdefault((pool, "*"), []).append(org.pk)
                self.pools.setdefault(("company", "*"), []).append(org.pk)
        self.summary.departments = len(departments)
        self.summary.other_organisations = len(others)
        self.summary.owner_units = len(owners)

    # leaders

    def _leaders(self):
        rng = self.rng
        people = []
        for name, position, _, _ in LEADERS:
            organisation = self.party if position.startswith("市委") and "市长" not in position else self.government
            people.append(
                Person(
                    name=name,
                    position=position,
                    organisation=organisation,
                    region=self.city,
                    is_city_leader=True,
                    phone=f"0917-32{rng.randint(10000, 99999)}",
                )
            )
        self.leaders = Person.objects.bulk_create(people)
        self.summary.leaders = len(self.leaders)

    # projects

    def _pick_owner(self, pool: str, trade: str, investor_type: str, county_code: str, level: str) -> int:
        """An owner unit fitting the investor: public platforms and institutions build government
        projects, companies of the trade build private ones, enterprise projects go to either."""
        rng = self.rng
        if investor_type == InvestorType.PRIVATE or (investor_type == InvestorType.ENTERPRISE and rng.random() < 0.5):
            key = f"company:{trade}"
            candidates = [(key, county_code), (key, None)] if rng.random() < 0.8 else [(key, None), (key, county_code)]
            candidates += [(key, "*"), ("company", "*")]
        else:
            if investor_type == InvestorType.ENTERPRISE and pool in ("hospital", "school"):
                pool = "urban"
            if pool in ("hospital", "school"):
                # the city's own hospitals and schools build in the urban districts
                city_first = county_code in URBAN_DISTRICTS and rng.random() < 0.5
            else:
                city_first = level != Level.COUNTY and rng.random() < 0.5
            candidates = [(pool, None), (pool, county_code)] if city_first else [(pool, county_code), (pool, None)]
            candidates += [("urban", county_code), ("urban", None)]
        for key in candidates:
            ids = self.pools.get(key)
            if ids:
                return rng.choice(ids)
        raise AssertionError("no owner unit pool")  # pragma: no cover

    def _unique_name(self, name: str) -> str:
        """Number repeats as phases (二期, 三期); beyond that a large set keeps repeated names."""
        seen = self._used_names.get(name, 0)
        self._used_names[name] = seen + 1
        if not seen or seen > 2 or name.endswith("期）"):
            return name
        return f"{name}（{cn_number(seen + 1)}期）"

    def _dates(self, stage: str, total_cents: int):
        """planned start/end, actual start/end for a stage, anchored on today."""
        rng, today = self.rng, self.today
        # bigger projects take longer: 1 to 5 years
        longest = 2 + (total_cents >= 3_000_000) + (total_cents >= 10_000_000) + (total_cents >= 30_000_000)
        duration = _days(rng, 300, 365 * longest)
        actual_start = actual_end = None
        if stage == Stage.COMPLETED:
            actual_end = today - _days(rng, 15, 730)
            actual_start = actual_end - _days(rng, 240, min(365 * longest, 3 * 365))
            planned_start = actual_start + _days(rng, -60, 45)
            planned_end = max(planned_start + _days(rng, 180, 240), actual_end + _days(rng, -120, 60))
        elif stage == Stage.UNDER_CONSTRUCTION:
            actual_start = today - _days(rng, 7, 1200)
            planned_start = actual_start + _days(rng, -90, 45)
            planned_end = planned_start + duration
            if planned_end <= today and rng.random() < 0.85:  # most are still on schedule
                planned_end = today + _days(rng, 60, 540)
        elif stage == Stage.PRELIMINARY:
            planned_start = today + _days(rng, -150, 540)
            planned_end = planned_start + duration
        else:
            planned_start = today + _days(rng, 120, 1000)
            planned_end = planned_start + duration
        return planned_start, planned_end, actual_start, actual_end

    def _statistics_included_on(self, actual_start: datetime.date | None, total_cents: int) -> datetime.date | None:
        """入统: most started projects at or above the threshold (500 万元) are in the statistics,
        included within weeks of the start; recent starts more often not yet (应统未统)."""
        if actual_start is None or total_cents < 500 * 100:
            return None
        rng = self.statistics_rng
        recent = (self.today - actual_start).days < 90
        if rng.random() >= (0.45 if recent else 0.9):
            return None
        return min(actual_start + _days(rng, 5, 75), self.today)

    def _milestones(self, project: Project, investor_type: str) -> list[Milestone]:
        rng, today = self.rng, self.today
        first = "立项批复" if investor_type == InvestorType.GOVERNMENT else "项目备案"
        optional = [first, *MILESTONES_BEFORE_START, "主体完工"]
        chosen = set(rng.sample(range(len(optional)), rng.randint(1, 4)))
        names = [name for i, name in enumerate(optional[:-1]) if i in chosen]
        names.append("开工建设")
        if len(optional) - 1 in chosen:
            names.append("主体完工")
        names.append("竣工验收")

        ps, pe = project.planned_start_date, project.planned_end_date
        before = [n for n in names if n not in ("开工建设", "主体完工", "竣工验收")]
        started = project.actual_start_date
        result = []
        for seq, name in enumerate(names, start=1):
            if name in before:
                position = before.index(name)
                baseline = ps - datetime.timedelta(days=30 * (len(before) - position) + rng.randint(0, 20))
            elif name == "开工建设":
                baseline = ps
            elif name == "主体完工":
                baseline = ps + (pe - ps) * rng.randint(65, 85) // 100
            else:
                baseline = pe
            actual = forecast = None
            if name in before:
                if started:
                    actual = min(baseline + _days(rng, -20, 60), started, today)
                elif baseline < today and rng.random() < 0.7:
                    actual = min(baseline + _days(rng, -20, 60), today)
            elif name == "开工建设":
                actual = started
            elif name == "主体完工" and started:
                if project.actual_end_date:
                    actual = min(max(baseline + _days(rng, -30, 90), started), project.actual_end_date)
                else:
                    candidate = baseline + _days(rng, -30, 90)
                    actual = candidate if candidate <= today else None
            elif name == "竣工验收":
                actual = project.actual_end_date
            if actual is None:
                if baseline < today:
                    forecast = today + _days(rng, 15, 150)
                elif rng.random() < 0.3:
                    forecast = baseline + _days(rng, 15, 120)
                else:
                    forecast = baseline
            result.append(
                Milestone(name=name, sequence=seq, baseline_date=baseline, forecast_date=forecast, actual_date=actual)
            )
        return result

    def _plans(self, project: Project, total_cents: int) -> list[AnnualPlan]:
        rng = self.rng
        span = project.span_years
        plans = []
        total_wan = total_cents // 100
        for year in (self.year - 1, self.year):
            if year not in span:
                continue
            share = total_wan * rng.randint(60, 140) // (100 * len(span))
            amount = max(1, min(share, total_wan))
            if year == span.start == self.year and project.stage in (Stage.RESERVE, Stage.PRELIMINARY):
                goal = "完成可研、用地、环评等前期手续，力争年内开工建设。"
            elif year == span.stop - 1:
                goal = "完成全部建设内容，组织竣工验收并投入使用。"
            elif year == span.start:
                goal = "开工建设，完成场地平整及基础工程。"
            else:
                goal = f"完成主体工程建设的{rng.choice([40, 50, 60, 70, 80])}%，累计完成投资过半。"
            plans.append(AnnualPlan(year=year, planned_investment=Decimal(amount), goal=goal))
        return plans

    def _projects(self):
        rng, n = self.rng, self.n
        stages = quotas(n, STAGE_SHARES)
        levels = quotas(n, LEVEL_SHARES)
        categories = quotas(n, CATEGORY_SHARES)
        for values in (stages, levels, categories):
            rng.shuffle(values)
        investor_types = [rng.choices(INVESTOR_TYPES, weights=INVESTOR_WEIGHTS[c])[0] for c in categories]
        for kind in INVESTOR_TYPES:  # every investor type at least once
            if kind not in investor_types and n >= len(INVESTOR_TYPES):
                counts = Counter(investor_types)
                i = next(i for i, t in enumerate(investor_types) if counts[t] > 1)
                investor_types[i] = kind

        running = rng.randint(1000, 60000)
        lead_official_weights = {
            (category, level): [
                (provincial if level == Level.PROVINCIAL else 0)
                + affinity.get(category, 0)
                + (0.3 if level != Level.COUNTY or affinity else 0.05)
                for _, _, affinity, provincial in LEADERS
            ]
            for category, _ in CATEGORY_SHARES
            for level, _ in LEVEL_SHARES
        }
        partner_keys = [self.departments[key].pk for key in PARTNER_KEYS]

        batch: list[tuple[Project, list, list, list]] = []
        for i in range(n):
            stage, level, category, investor_type = stages[i], levels[i], categories[i], investor_types[i]
            county = rng.choices(self.counties, weights=self.county_weights)[0]
            if i == 0:  # the county demo user's county has projects even in a tiny set
                county = self.counties[0]
            towns = self.county_towns[county.code]
            templates = TEMPLATES[category]
            lead_key, pool, trade, industry, make, _ = rng.choices(templates, weights=[t[5] for t in templates])[0]
            owner_id = self._pick_owner(pool, trade, investor_type, county.code, level)

            low, high = rng.choices(INVESTMENT_BUCKETS, weights=INVESTMENT_WEIGHTS[level])[0]
            total_cents = rng.randint(low * 100, high * 100)
            if rng.random() < 0.6:  # most totals are round 万元 figures
                total_cents -= total_cents % (100 if total_cents < 1_000_000 else 10000)
            planned_start, planned_end, actual_start, actual_end = self._dates(stage, total_cents)

            ctx = _Ctx(
                place=_short_place(county.name),
                town=rng.choice(towns),
                towns=towns,
                year=planned_start.year,
                brand=rng.choice(BRANDS),
                owner_name=self.owner_names[owner_id],
                owner_trade_name=self.owner_trade_names.get(owner_id, ("", "")),
                urban=county.code in URBAN_DISTRICTS,
            )
            for _ in range(5):  # a few fresh draws before numbering phases (二期, 三期)
                name, scope = make(rng, ctx)
                if name not in self._used_names:
                    break
                ctx.town = rng.choice(towns)
            name = self._unique_name(name)

            code = None
            if stage != Stage.RESERVE:
                established = min(planned_start, actual_start or planned_start).year - rng.choice([0, 0, 1])
                established = min(max(established, 2016), self.today.year)
                running += rng.randint(1, 7)
                kind = rng.choice(APPROVAL_KIND[investor_type])
                if running > 999_999:  # past ~250,000 projects the six digits go round (a national set)
                    running -= 999_000
                code = f"{established}-{county.code}-{industry}-{kind}-{running:06d}"
                while code in self._used_codes:  # only after going round: the codes are unique
                    running = running + 1 if running < 999_999 else 1000
                    code = f"{established}-{county.code}-{industry}-{kind}-{running:06d}"
                self._used_codes.add(code)

            lead_official_id = None
            if rng.randint(1, 100) <= LEAD_OFFICIAL_SHARE[level]:
                leader = rng.choices(self.leaders, weights=lead_official_weights[(category, level)])[0]
                lead_official_id = leader.pk
                self.project_count_by_leader[leader.pk] += 1
            lead_department = self.departments[lead_key] if rng.random() < 0.9 else None
            partners = rng.sample(partner_keys, rng.choice([0, 1, 1, 2, 2, 3]))
            if lead_department is not None:
                partners = [pk for pk in partners if pk != lead_department.pk]
            transport = self.departments["transport"]
            if i == 0 and lead_department != transport and transport.pk not in partners:
                partners = [*partners[:2], transport.pk]  # so does the department demo user

            town = ctx.town if ctx.town in name or rng.random() < 0.7 else rng.choice(towns)
            included_on = self._statistics_included_on(actual_start, total_cents)
            project = Project(
                name=name,
                project_code=code,
                region_id=county.pk,
                location=f"{CITY[1]}{county.name}{town}",
                level=level,
                category=category,
                investor_type=investor_type,
                stage=stage,
                scope=scope,
                total_investment=_money(total_cents),
                planned_start_date=planned_start,
                planned_end_date=planned_end,
                actual_start_date=actual_start,
                actual_end_date=actual_end,
                lead_official_id=lead_official_id,
                lead_department_id=lead_department.pk if lead_department else None,
                owner_unit_id=owner_id,
                in_statistics=included_on is not None,
                statistics_included_on=included_on,
            )
            self.project_count_by_owner[owner_id] += 1
            batch.append(
                (project, self._plans(project, total_cents), self._milestones(project, investor_type), partners)
            )
            if len(batch) >= self.chunk_size:
                self._flush(batch)
                batch = []
        self._flush(batch)
        self.summary.stages = {str(label): stages.count(value) for value, label in Stage.choices}

    def _flush(self, batch):
        if not batch:
            return
        # COPY on PostgreSQL (keys drawn from the sequence first): the national set's
        # million projects in minutes, not the hour bulk_create took (bench/README.md).
        created = bulk_copy(Project, [project for project, *_ in batch])
        plans, milestones, links = [], [], []
        Through = Project.partner_units.through
        for project, (_, project_plans, project_milestones, partners) in zip(created, batch, strict=True):
            for plan in project_plans:
                plan.project_id = project.pk
                plans.append(plan)
            for milestone in project_milestones:
                milestone.project_id = project.pk
                milestones.append(milestone)
            links.extend(Through(project_id=project.pk, organisation_id=pk) for pk in partners)
        bulk_copy(AnnualPlan, plans)
        bulk_copy(Milestone, milestones)
        bulk_copy(Through, links)
        self.summary.projects += len(created)
        self.summary.in_statistics += sum(1 for project in created if project.in_statistics)
        self.summary.annual_plans += len(plans)
        self.summary.milestones += len(milestones)
        self.summary.partner_links += len(links)

    # users

    def _users(self):
        leader_pk = max(self.leaders, key=lambda p: (self.project_count_by_leader[p.pk], -p.pk)).pk
        leader = next(p for p in self.leaders if p.pk == leader_pk)
        owner_pk, _ = max(self.project_count_by_owner.items(), key=lambda item: (item[1], -item[0]), default=(None, 0))
        if owner_pk is None:  # no projects at all: any owner unit
            owner_pk = next(iter(self.owner_names))
        first_county = min(self.counties, key=lambda r: r.code)
        transport = self.departments["transport"]
        # Chinese names read family name first; Django's get_full_name() puts first_name
        # first, so the whole name goes into first_name.
        specs = [
            ("admin", Role.CITY_ADMIN, "刘洋", {"region": self.city, "organisation": self.departments["ndrc"]}),
            ("leader", Role.CITY_LEADER, leader.name, {"region": self.city, "person": leader}),
            ("county", Role.COUNTY_USER, "陈静", {"region": first_county}),
            ("dept", Role.DEPARTMENT_USER, "杨帆", {"organisation": transport}),
            ("owner", Role.OWNER_REPORTER, "赵磊", {"organisation_id": owner_pk}),
            ("auditor", Role.AUDITOR, "孙丽", {}),
            ("sysadmin", Role.SYSTEM_ADMIN, "周强", {}),
            ("secadmin", Role.SECURITY_ADMIN, "吴敏", {}),
            ("auditadmin", Role.AUDIT_ADMIN, "郑涛", {}),
        ]
        existing = set(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", flat=True))
        password = make_password(DEMO_PASSWORD)  # one hash for all: a public demo password
        users = []
        for username, role, full_name, anchors in specs:
            if username in existing:
                self.summary.skipped_users.append(username)
                continue
            users.append(
                User(
                    username=username,
                    role=role,
                    first_name=full_name,
                    email=f"{username}@demo.example.cn",
                    password=password,
                    # Nobody in the demo is a superuser (三员分立); bulk_create skips save().
                    is_staff=role in STAFF_ROLES,
                    **anchors,
                )
            )
        User.objects.bulk_create(users)
        self.summary.users = len(users)
        self.summary.anchors = {
            "leader": str(leader),
            "owner": self.owner_names[owner_pk],
            "owner_projects": self.project_count_by_owner[owner_pk],
            "county": first_county.name,
            "department": transport.name,
        }
