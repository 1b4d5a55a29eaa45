"""The demo county's organisation: units, teams, cadres, work groups.

Deterministic (a seeded generator) and idempotent (records are keyed by name
or external identifier), so ``load_demo`` can run again without duplicates.
"""

import random
from datetime import date

from django.db import transaction

from .models import Cadre, Membership, Team, Unit, UnitKind, WorkGroup, WorkGroupMember

ORDER = 10
FORMER_SEATS = 90  # seats numbered from here are held by cadres who have left

KINDS = ["县委工作部门", "县政府工作部门", "乡镇", "街道", "群团组织"]

PARTY_DEPARTMENTS = {
    "县委办公室": (
        "负责县委日常事务，协调县委各部门工作，督促检查县委决策部署落实。",
        ["综合科", "秘书科", "督查室", "机要保密局"],
    ),
    "县委组织部": (
        "负责全县党的组织建设、干部队伍建设和人才工作，组织实施领导班子和领导干部考核。",
        ["组织科", "干部科", "干部监督科", "人才工作科", "县考核办"],
    ),
    "县委宣传部": (
        "负责全县宣传思想文化工作，指导意识形态、新闻出版和精神文明建设。",
        ["理论科", "宣传科", "网信办", "文明办"],
    ),
    "县委统战部": ("负责全县统一战线工作，联系民主党派、工商联和无党派人士。", ["综合科", "党派科", "民族宗教科"]),
    "县委政法委员会": ("负责领导和协调全县政法工作，推进平安建设和法治建设。", ["综合科", "执法监督科", "平安建设科"]),
}
GOVERNMENT_DEPARTMENTS = {
    "县政府办公室": (
        "负责县政府日常运转，协调政务工作，督促检查县政府决定事项落实。",
        ["秘书科", "政务督查科", "政务公开办"],
    ),
    "县发展和改革局": (
        "负责全县国民经济和社会发展规划，推进重大项目建设和经济体制改革。",
        ["综合规划股", "投资股", "重点项目办", "价格股"],
    ),
    "县教育局": (
        "负责全县教育事业发展规划，管理基础教育、职业教育和教师队伍。",
        ["基础教育股", "人事股", "计划财务股", "教研室"],
    ),
    "县科技和工业信息化局": (
        "负责全县科技创新和工业、信息化发展，推动企业技术改造。",
        ["工业股", "科技股", "信息化股"],
    ),
    "县公安局": ("负责全县社会治安、刑事侦查、户政和交通管理工作。", ["指挥中心", "刑侦大队", "治安大队", "交警大队"]),
    "县民政局": ("负责全县社会救助、养老服务、社会组织和婚姻登记管理。", ["社会救助股", "养老服务股", "社会事务股"]),
    "县财政局": ("负责全县财政收支、预算管理、国有资产和政府债务管理。", ["预算股", "国库股", "综合股", "绩效评价股"]),
    "县人力资源和社会保障局": (
        "负责全县就业创业、社会保险、人事人才和劳动关系工作。",
        ["就业股", "社会保险股", "人事股", "劳动监察大队"],
    ),
    "县自然资源局": ("负责全县国土空间规划、自然资源调查登记和耕地保护。", ["规划股", "耕地保护股", "不动产登记中心"]),
    "县生态环境局": ("负责全县生态环境保护、污染防治和环境执法。", ["大气办", "水生态股", "执法大队"]),
    "县住房和城乡建设局": (
        "负责全县城乡建设、住房保障、建筑市场和城市管理。",
        ["村镇建设股", "住房保障股", "建筑业管理股"],
    ),
    "县交通运输局": ("负责全县公路建设养护、道路运输和农村公路管理。", ["建设股", "运输股", "公路事业发展中心"]),
    "县水利局": ("负责全县水资源管理、水利工程建设和防汛抗旱。", ["水资源股", "工程建设股", "防汛办"]),
    "县农业农村局": ("负责全县农业农村发展、乡村振兴和粮食生产。", ["乡村振兴股", "种植业股", "畜牧股", "农经股"]),
    "县商务局": ("负责全县商贸流通、招商引资和对外贸易。", ["招商股", "市场运行股", "外贸股"]),
    "县文化和旅游局": ("负责全县文化事业、文物保护和旅游发展。", ["文化股", "旅游股", "文物股"]),
    "县卫生健康委员会": ("负责全县医疗卫生服务、疾病防控和人口健康工作。", ["医政股", "疾控股", "基层卫生股"]),
    "县应急管理局": ("负责全县安全生产监管、应急救援和防灾减灾。", ["安全生产股", "应急指挥中心", "防灾减灾股"]),
    "县审计局": ("负责全县财政财务收支审计和经济责任审计。", ["财政审计股", "经济责任审计股", "投资审计股"]),
    "县市场监督管理局": (
        "负责全县市场主体登记、食品药品安全和质量监管。",
        ["登记注册股", "食品安全股", "质量股", "执法大队"],
    ),
    "县统计局": ("负责全县统计调查、数据发布和统计监督。", ["综合股", "农业统计股", "工业统计股"]),
}
TOWNS = ["城关镇", "青山镇", "河口镇", "白沙镇", "石桥镇", "龙泉乡", "新华乡", "柳林乡", "桃源镇", "双河镇"]
STREETS = ["东城街道", "西城街道", "南湖街道"]
ORGANISATIONS = {
    "县总工会": ("负责全县工会组织建设和职工权益维护。", ["组织部", "权益保障部"]),
    "共青团县委": ("负责全县共青团工作和青少年事务。", ["组织部", "宣传部"]),
    "县妇女联合会": ("负责全县妇女儿童工作和妇女权益维护。", ["组织宣传部", "权益部"]),
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "建国志强海燕秀英伟明晓东红梅立新文华振宇俊杰春生丽娟永刚德华玉兰国庆"
    "学军淑珍卫东光明家乐思远宏伟嘉怡敏慧文斌少华云飞雪梅子豪雅琴浩然桂芳"
)
PROFESSIONS = ["经济管理", "党务", "法律", "工程技术", "农业", "教育", "财务会计", "公共管理", "医疗卫生", "信息技术"]
ROADS = ["人民路", "新华路", "建设路", "解放路", "府前路"]
EDUCATIONS = ["大学本科", "研究生", "大学本科", "大学本科", "大专"]


def _name(rng: random.Random) -> str:
    given_len = rng.choice([1, 2, 2, 2])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


ETHNICITIES = ["汉族"] * 12 + ["畲族", "回族", "壮族"]
NATIVE_PLACES = ["江西赣州", "江西吉安", "江西南昌", "江西抚州", "湖南郴州", "福建龙岩", "广东梅州"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _identity(number: int, birth: date, sex: str) -> dict:
    """A valid-looking ID number (right check digit, the sex in its 17th digit), ethnicity and
    native place; drawn from the cadre's own number, so the other demo data stay as they were."""
    extra = random.Random(number)
    sequence = (number * 2) % 1000 + (1 if sex == Cadre.Sex.MALE else 0)
    body = f"360799{birth:%Y%m%d}{sequence:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return {
        "id_number": body + check,
        "ethnicity": extra.choice(ETHNICITIES),
        "native_place": extra.choice(NATIVE_PLACES),
    }


def _department_posts(unit_name: str, size: int) -> list[tuple[str, str, str, str]]:
    head = "局长" if unit_name.endswith("局") else ("主任" if unit_name.endswith(("委员会", "办公室")) else "部长")
    deputy = "副" + head
    posts = [("党组书记", head, "主持全面工作", "办公室")]
    areas = [
        ("分管综合业务和重点项目", "综合股、重点项目办"),
        ("分管财务、人事和机关党建", "人事股、计划财务股"),
        ("分管执法监督和安全生产", "执法大队"),
        ("分管规划和改革工作", "规划股"),
        ("分管信息化和政务服务", "政务服务窗口"),
    ]
    for area, departments in areas[: size - 2]:
        posts.append(("党组成员", deputy, area, departments))
    posts.append(("党组成员", "纪检监察组组长", "负责派驻纪检监察工作", "纪检监察组"))
    return posts[:size]


def _town_posts(size: int, street: bool) -> list[tuple[str, str, str, str]]:
    chief = "街道办事处主任" if street else "镇长"
    deputy = "街道办事处副主任" if street else "副镇长"
    posts = [
        ("党委书记", "", "主持党委全面工作", "党政综合办公室"),
        ("党委副书记", chief, "主持政府全面工作", "经济发展办公室"),
        ("党委委员、纪委书记", "", "负责纪检监察工作", "纪委办公室"),
        ("党委委员", deputy, "分管农业农村和乡村振兴", "农业综合服务中心"),
        ("党委委员、组织委员", "", "分管组织、人事和基层党建", "党建办公室"),
        ("", deputy, "分管城乡建设、安全生产和生态环境", "规划建设办公室"),
        ("党委委员、宣传委员", "", "分管宣传、统战和文化工作", "综合文化站"),
    ]
    return posts[:size]


@transaction.atomic
def load(*, stdout=None) -> dict:
    rng = random.Random(2026)
    kinds = {}
    for order, name in enumerate(KINDS):
        kinds[name], _ = UnitKind.objects.update_or_create(name=name, defaults={"sort_order": order})

    specs = []
    for name, (duties, org) in PARTY_DEPARTMENTS.items():
        specs.append((name, "县委工作部门", duties, org))
    for name, (duties, org) in GOVERNMENT_DEPARTMENTS.items():
        specs.append((name, "县政府工作部门", duties, org))
    for name in TOWNS:
        specs.append(
            (
                name,
                "乡镇",
                f"负责{name}经济社会发展、基层党建、社会治理和公共服务。",
                ["党政综合办公室", "党建办公室", "经济发展办公室", "社会事务办公室", "综合行政执法队"],
            )
        )
    for name in STREETS:
        specs.append(
            (
                name,
                "街道",
                f"负责{name}辖区党建、城市管理、社区服务和平安建设。",
                ["党政综合办公室", "社区建设办公室", "城市管理办公室"],
            )
        )
    for name, (duties, org) in ORGANISATIONS.items():
        specs.append((name, "群团组织", duties, org))

    units = []
    cadre_number = 0
    for order, (name, kind_name, duties, org) in enumerate(specs):
        phone = f"0797-{rng.randint(6200000, 6299999)}"
        unit, _ = Unit.objects.update_or_create(
            name=name,
            parent=None,
            defaults={
                "kind": kinds[kind_name],
                "duties": duties,
                "internal_organisation": "\n".join(org),
                "contact_person": _name(rng),
                "contact_phone": phone,
                "address": f"县城{rng.choice(ROADS)}{rng.randint(1, 199)}号",
                "sort_order": order,
                "external_id": f"DW{order + 1:04d}",
            },
        )
        units.append(unit)

        is_town = kind_name in ("乡镇", "街道")
        team_name = f"{name}党政领导班子" if is_town else f"{name}领导班子"
        team, _ = Team.objects.update_or_create(
            unit=unit,
            name=team_name,
            defaults={
                "team_type": Team.TeamType.PARTY_GOVERNMENT if is_town else Team.TeamType.PARTY,
                "external_id": f"BZ{order + 1:04d}",
            },
        )
        size = rng.randint(5, 7) if is_town else rng.randint(3, 6)
        posts = _town_posts(size, kind_name == "街道") if is_town else _department_posts(name, size)
        for seat, (party_post, admin_post, work, departments) in enumerate(posts):
            cadre_number += 1
            birth = date(rng.randint(1968, 1988), rng.randint(1, 12), rng.randint(1, 28))
            position = f"{name}{admin_post or party_post.split('、')[-1]}"
            rank = Cadre.Rank.SECTION_CHIEF if seat < 2 else Cadre.Rank.SECTION_DEPUTY
            name = _name(rng)
            sex = rng.choice([Cadre.Sex.MALE, Cadre.Sex.MALE, Cadre.Sex.FEMALE])
            cadre, _ = Cadre.objects.update_or_create(
                external_id=f"GB{cadre_number:05d}",
                defaults={
                    "name": name,
                    "sex": sex,
                    **_identity(cadre_number, birth, sex),
                    "birth_date": birth,
                    "unit": unit,
                    "position": position,
                    "rank": rank,
                    "profession": rng.choice(PROFESSIONS),
                    "education": rng.choice(EDUCATIONS),
                },
            )
            Membership.objects.update_or_create(
                team=team,
                cadre=cadre,
                defaults={
                    "party_post": party_post,
                    "administrative_post": admin_post,
                    "work_in_charge": work,
                    "departments_in_charge": departments,
                    "telephone": f"139{rng.randint(10000000, 99999999)}",
                    "start_date": date(rng.randint(2019, 2024), rng.randint(1, 12), 1),
                    "sort_order": seat,
                },
            )
        # Seats beyond this run's size (from an older demo) are removed.
        Membership.objects.filter(team=team, sort_order__gte=len(posts), sort_order__lt=FORMER_SEATS).delete()

    _last_year_changes()
    _load_work_groups(rng, units)
    return {"units": len(units), "cadres": Cadre.objects.count()}


def _last_year_changes() -> None:
    """Seats that changed hands last year, so the yearly results have mid-year cases:
    a deputy who joined in March (a full assessment), one who joined in September
    (under six months), and one who left at the end of June for a post outside
    the teams, succeeded on 1 July (the former seat is numbered from ``FORMER_SEATS``)."""
    year = date.today().year - 1
    joined = [("县商务局", date(year, 3, 1)), ("青山镇", date(year, 9, 1))]
    for unit_name, start in joined:
        seat = (
            Membership.objects.filter(team__unit__name=unit_name, sort_order__lt=FORMER_SEATS)
            .order_by("-sort_order")
            .first()
        )
        if seat is not None and seat.start_date != start:
            seat.start_date = start
            seat.save(update_fields=["start_date"])
    successor = (
        Membership.objects.filter(team__unit__name="县水利局", sort_order__lt=FORMER_SEATS)
        .order_by("-sort_order")
        .first()
    )
    if successor is None:
        return
    successor.start_date = date(year, 7, 1)
    successor.save(update_fields=["start_date"])
    former, _ = Cadre.objects.update_or_create(
        external_id="GB09001",
        defaults={
            "name": "程文斌",
            "sex": Cadre.Sex.MALE,
            "birth_date": date(1972, 4, 16),
            **_identity(9001, date(1972, 4, 16), Cadre.Sex.MALE),
            "unit": None,
            "position": "县政协文史委员会主任（原县水利局副局长）",
            "rank": Cadre.Rank.SECTION_DEPUTY,
            "profession": "工程技术",
            "education": "大学本科",
        },
    )
    Membership.objects.update_or_create(
        team=successor.team,
        cadre=former,
        defaults={
            "party_post": successor.party_post,
            "administrative_post": successor.administrative_post,
            "work_in_charge": successor.work_in_charge,
            "departments_in_charge": successor.departments_in_charge,
            "telephone": "13907976215",
            "start_date": date(2021, 3, 1),
            "end_date": date(year, 6, 30),
            "sort_order": FORMER_SEATS,
        },
    )


def _load_work_groups(rng: random.Random, units: list[Unit]) -> None:
    year = date.today().year
    groups = [
        ("第一考核工作组", WorkGroup.Kind.ASSESSMENT, "负责县委工作部门的年度考核、实地考察和材料审核。", units[:5]),
        ("第二考核工作组", WorkGroup.Kind.ASSESSMENT, "负责县政府工作部门（经济类）的年度考核。", units[5:17]),
        (
            "第三考核工作组",
            WorkGroup.Kind.ASSESSMENT,
            "负责县政府工作部门（社会类）和群团组织的年度考核。",
            units[17:26] + units[-3:],
        ),
        ("第四考核工作组", WorkGroup.Kind.ASSESSMENT, "负责各乡镇、街道的年度考核。", units[26:-3]),
        ("综合测评工作组", WorkGroup.Kind.EVALUATION, "负责综合测评的组织、账号发放、纸质票录入和计票监督。", []),
    ]
    posts = ["组长", "副组长", "成员", "成员"]
    for name, kind, duties, assigned in groups:
        group, _ = WorkGroup.objects.update_or_create(
            name=name, defaults={"kind": kind, "duties": duties, "year": year}
        )
        group.units.set(assigned)
        group.save()  # units is a ParentalManyToManyField: stored when the group is saved
        if not group.members.exists():
            for order, post in enumerate(posts):
                WorkGroupMember.objects.create(
                    group=group,
                    name=_name(rng),
                    post=post,
                    duties="统筹协调"
                    if post == "组长"
                    else rng.choice(["材料审核", "实地考察", "数据核对", "民主测评"]),
                    unit_and_position=rng.choice(
                        ["县委组织部干部科科长", "县纪委监委干部", "县考核办副主任", "县统计局干部"]
                    ),
                    telephone=f"137{rng.randint(10000000, 99999999)}",
                    sort_order=order,
                )
