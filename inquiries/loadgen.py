"""Synthetic load data for benchmarks: an organisation and up to millions of cases.

`manage.py generate_load` calls `load_generate()`. Everything is drawn from one
`random.Random(seed)`, so the same seed, sizes and `until` day give the same rows (case
numbers, subjects, people, referrals …) on an empty database.

The rows are written straight to the tables, not through the services: PostgreSQL gets them
by COPY (psycopg 3 `cursor.copy`), SQLite by batched INSERTs (`executemany`; `bulk_create`
would overwrite the cases' `created_at`/`updated_at` with the time of the run, as they are
`auto_now` fields). So the generator keeps by itself the invariants the services keep:

- every case but an unpicked online letter has a first responder, who never changes, and
  the case lies in their department;
- a closed case has a result, a closing time and feedback (or why the requester could not be
  reached); referrals that are returned say why, decided ones say when;
- deadlines are working days after the day received on China's official calendar
  (`inquiries.workdays`, with the admins' overrides), the clock stops while awaiting materials;
- case numbers `YYYY-NNNNNN` follow the order received within each year and the per-year
  `CaseNumberCounter` ends at the last number given, so the next registration continues;
- tracking codes are unique (a bijection of the case id, not a random draw);
- `version` counts the saves the services would have made.

No simple-history rows are written: this is synthetic load data, and the history tables
would only double the volume without being read by any page measured. Signals do not run.

The texts are composed from word lists (Faker per row would be far too slow); they are
sample content in Chinese, so they are not translated.
"""

import datetime
import io
import json
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction

from inquiries.models import (
    CaseFlag,
    CaseNumberCounter,
    CasePolicy,
    Channel,
    Department,
    FeedbackMethod,
    Finding,
    Inquiry,
    Kind,
    Notice,
    NoticeItem,
    Notification,
    Path,
    PressNotice,
    Rating,
    Rectification,
    Referral,
    RequiredMaterial,
    ServiceMatter,
    StaffProfile,
    Status,
    TimelineEvent,
    User,
)
from inquiries.roles import ROLES_BY_CODE, roles_sync
from inquiries.text import pinyin_keys
from inquiries.workdays import work_calendar

# Every generated account signs in with this password (benchmarks log in with it). The
# command refuses to run without DEBUG unless forced, as seed_demo does.
LOAD_PASSWORD = "firstask-load"
# The generated organisation's unit; `--append` finds the organisation by it.
LOAD_UNIT_CODE = "LOAD"
LOAD_EMAIL_DOMAIN = "load.example"
# Cases are written and committed this many at a time.
BATCH_CASES = 5000
# Office hours in which cases arrive (local time).
DAY_START_MINUTES = 8 * 60 + 30
DAY_LENGTH_MINUTES = 9 * 60
# Cases older than this (calendar days) are nearly all closed.
RECENT_DAYS = 45
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_TRACKING_SPACE = len(TRACKING_ALPHABET) ** 10
# An odd multiplier coprime with 31**10: id → code is a bijection, so codes never repeat.
_TRACKING_MULTIPLIER = 6_364_136_223_846_793_005 % _TRACKING_SPACE

# --- Word lists ------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国红志云鑫波斌宇浩凯健俊帆晨"
    "欣雪琳瑶婷颖慧佳嘉子怡梓涵博文思雨晓东海峰春林德海燕丹亮成龙飞宁宏"
)
DISTRICTS = (
    "历下区",
    "市中区",
    "槐荫区",
    "天桥区",
    "历城区",
    "长清区",
    "章丘区",
    "济阳区",
    "莱芜区",
)
ROADS = (
    "经十路",
    "泉城路",
    "解放路",
    "和平路",
    "山大路",
    "历山路",
    "二环东路",
    "工业南路",
    "花园路",
)
COMPANY_WORDS = (
    "鑫源",
    "华泰",
    "宏达",
    "金诚",
    "恒通",
    "瑞丰",
    "德信",
    "众和",
    "鲁润",
    "泉城",
    "天成",
)
COMPANY_KINDS = (
    "商贸有限公司",
    "餐饮管理有限公司",
    "食品有限公司",
    "电子科技有限公司",
    "物业服务有限公司",
)
DEPARTMENT_TOPICS = (
    ("政策法规", "行政复议 规范性文件 法制审核 听证"),
    ("行政审批", "许可 审批 窗口 办件 一次性告知"),
    ("登记注册", "营业执照 设立 变更 注销 年报"),
    ("食品安全监管", "食品 餐饮 小作坊 抽检 过期"),
    ("药品监管", "药品 药店 处方药 医疗器械"),
    ("特种设备安全监察", "电梯 锅炉 气瓶 压力容器"),
    ("价格监督检查", "价格 收费 明码标价 乱收费"),
    ("消费者权益保护", "消费 投诉 退款 维权 预付卡"),
    ("网络交易监管", "网店 直播带货 平台 网购"),
    ("广告监管", "广告 虚假宣传 违法广告"),
    ("计量", "计量 电子秤 加油机 缺斤短两"),
    ("标准化", "标准 团体标准 企业标准"),
    ("认证认可", "认证 检验检测 资质"),
    ("知识产权", "商标 专利 侵权 质押"),
    ("产品质量监督", "产品质量 抽查 假冒伪劣"),
    ("执法稽查", "执法 稽查 案件 处罚"),
    ("信用监管", "信用 经营异常 失信 公示"),
    ("综合规划", "规划 统计 信息化"),
    ("人事", "人事 招聘 培训"),
    ("财务装备", "财务 预算 装备"),
)
SECTION_NAMES = ("综合股", "受理股", "审核股", "检查股", "稽查股", "宣传股")
TITLES = ("科员", "一级科员", "二级主任科员", "四级主任科员", "窗口受理员", "检查员", "执法员")
TOPICS = (
    "营业执照",
    "食品经营许可证",
    "药品经营许可证",
    "特种设备使用登记",
    "商标注册",
    "计量器具检定",
    "广告发布",
    "价格收费",
    "网络交易",
    "预付卡消费",
    "产品质量抽检",
    "个体工商户登记",
    "企业年度报告",
    "股权出质登记",
    "电梯安全",
    "餐饮服务许可",
    "农贸市场管理",
    "知识产权质押",
    "小作坊登记",
    "经营异常名录",
)
ASPECTS = (
    "办理流程",
    "所需材料",
    "办理时限",
    "收费标准",
    "办理地点",
    "办理进度",
    "变更手续",
    "注销手续",
    "延续换证",
    "网上办理",
)
PLACES = (
    "一家超市",
    "小区门口的早餐店",
    "农贸市场的摊位",
    "一家网店",
    "加油站",
    "药店",
    "美容院",
    "培训机构",
    "电梯维保单位",
    "餐馆",
    "商场",
    "快递网点",
    "健身房",
    "装修公司",
)
PROBLEMS = (
    "销售过期食品",
    "缺斤短两",
    "价格欺诈",
    "虚假宣传",
    "无证经营",
    "卫生条件差",
    "拒不退款",
    "电梯频繁故障",
    "销售假冒商品",
    "未明码标价",
    "强制消费",
    "预付卡跑路",
    "售后服务不到位",
    "使用不合格计量器具",
)
SUGGESTIONS = (
    "延长窗口服务时间",
    "增加网上办理事项",
    "公开办事指南",
    "设置夜间咨询电话",
    "简化证明材料",
    "加强农贸市场巡查",
)
HELP_THINGS = (
    "营业执照遗失补办",
    "老人不会网上申报",
    "企业账户被锁定",
    "证照信息填写错误",
    "预付卡无法退卡",
)
TIMES = ("昨天", "上周", "前几天", "本月初", "今天上午", "上个月")
ASKS = (
    "希望有关部门尽快处理",
    "请告知需要准备哪些材料",
    "请尽快给予答复",
    "希望依法查处",
    "请帮助协调解决",
    "请告知办理时间和地点",
)
DETAILS = (
    "多次联系商家未果",
    "已保留购物小票和照片",
    "周边居民反映强烈",
    "网上查询不到相关信息",
    "之前打过电话没有结果",
    "涉及金额约二千元",
    "店家态度恶劣",
)
RESULTS = (
    "已当场解答，告知办理流程和所需材料。",
    "经核查情况属实，已责令商家整改并退还费用。",
    "已转交承办科室依法处理，处理结果已告知来访人。",
    "经现场检查未发现违法行为，已向反映人说明情况。",
    "已立案调查，调查结果将依法公开。",
    "已按规定办结，申请人表示满意。",
    "建议已收悉，已转相关科室研究采纳。",
)
REASONS = (
    "该事项属于贵科室职责，请签收办理。",
    "涉及多个科室，请办公室协调。",
    "请领导就办理意见作出指示。",
    "经初步了解，需由专业科室核查。",
)
RETURN_REASONS = (
    "该事项不属于本科室职责，依据三定方案应由其他科室承办。",
    "材料不全，无法判断职责归属，请补充后重新转办。",
)
TABOO_DETAILS = ("不归我管", "你去找别人", "我不知道", "下班了明天再来")
MATERIALS = ("申请书", "身份证复印件", "营业执照副本", "场所使用证明", "授权委托书", "健康证明")
CHANNEL_WEIGHTS = (
    (Channel.VISIT, 35),
    (Channel.PHONE, 33),
    (Channel.LETTER, 10),
    (Channel.ONLINE, 18),
    (Channel.FAX, 4),
)
KIND_WEIGHTS = (
    (Kind.CONSULTATION, 40),
    (Kind.SERVICE, 20),
    (Kind.COMPLAINT, 15),
    (Kind.TIP_OFF, 7),
    (Kind.REPORT, 5),
    (Kind.SUGGESTION, 8),
    (Kind.HELP, 5),
)
# Online letters can only be of these kinds (inquiries.services.public.ONLINE_KINDS).
ONLINE_KINDS = (Kind.CONSULTATION, Kind.COMPLAINT, Kind.TIP_OFF, Kind.SUGGESTION)
STATUS_WEIGHTS_OLD = (
    (Status.CLOSED, 955),
    (Status.REOPENED, 5),
    (Status.IN_PROGRESS, 10),
    (Status.REFERRED, 8),
    (Status.AWAITING_MATERIALS, 10),
    (Status.REPLIED, 7),
    (Status.COORDINATING, 3),
    (Status.REGISTERED, 2),
)
STATUS_WEIGHTS_RECENT = (
    (Status.CLOSED, 55),
    (Status.REOPENED, 4),
    (Status.IN_PROGRESS, 12),
    (Status.REFERRED, 8),
    (Status.AWAITING_MATERIALS, 7),
    (Status.REPLIED, 6),
    (Status.COORDINATING, 3),
    (Status.REGISTERED, 5),
)
RATING_WEIGHTS = ((5, 55), (4, 25), (3, 10), (2, 6), (1, 4))


def _weighted(pairs) -> tuple[list, list[int]]:
    values = [value for value, _weight in pairs]
    cumulative, total = [], 0
    for _value, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


# --- Options and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class LoadOptions:
    cases: int
    staff: int
    departments: int
    seed: int = 1
    years: int = 3
    until: datetime.date | None = None  # cases are received up to the day before; today
    append: bool = False


@dataclass
class LoadResult:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    database_bytes: int | None = None

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count


class LoadError(Exception):
    pass


# --- Writing rows ------------------------------------------------------------------------------


class Table:
    """Rows for one model, as tuples in the order of its concrete columns."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.json = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        defaults = []
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                defaults.append(f.default)
            elif isinstance(f, models.JSONField):
                defaults.append({})
            elif f.null:
                defaults.append(None)
            elif isinstance(f, models.CharField | models.TextField):
                defaults.append("")
            else:
                defaults.append(None)
        self.defaults = defaults
        self.rows: list[list] = []

    def add(self, **values) -> None:
        row = list(self.defaults)
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        self.rows.append(row)


class Writer:
    """COPY on PostgreSQL, batched INSERTs elsewhere; counts what it wrote."""

    def __init__(self, result: LoadResult):
        self.result = result
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: Table) -> None:
        if not table.rows:
            return
        if self.postgres:
            self._copy(table)
        else:
            self._insert(table)
        self.result.add(table.model._meta.db_table, len(table.rows))
        table.rows = []

    def _copy(self, table: Table) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        sql = f"COPY {connection.ops.quote_name(table.model._meta.db_table)} ({quoted}) FROM STDIN"
        json_columns = table.json
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in table.rows:
                for i in json_columns:
                    row[i] = json.dumps(row[i], ensure_ascii=False)
                copy.write_row(row)

    def _insert(self, table: Table) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        sql = (
            f"INSERT INTO {connection.ops.quote_name(table.model._meta.db_table)} "
            f"({quoted}) VALUES ({marks})"
        )
        fields = table.fields
        params = [
            [f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)]
            for row in table.rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


class Progress:
    """A one-line progress bar on a stream (stderr), redrawn at most a few times a second."""

    WIDTH = 30

    def __init__(self, total: int, stream=None, label: str = "cases"):
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn_at < 0.5:
            return
        self.drawn_at = now
        elapsed = now - self.started
        share = min(done / self.total, 1.0)
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {share:6.1%} {done:,}/{self.total:,} {self.label} "
            f"{rate:,.0f}/s ETA {eta:,.0f}s "
        )
        self.stream.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        self.stream.write("\n")
        self.stream.flush()


# --- Working days ----------------------------------------------------------------------------


class DayIndex:
    """Working days as positions, so that adding N working days is a list look-up."""

    def __init__(self, first: datetime.date, last: datetime.date):
        calendar = work_calendar()
        self.first = first
        self.working: list[datetime.date] = []
        # done_by[i]: working days from `first` up to and including first + i days.
        self.done_by: list[int] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.working.append(day)
            self.done_by.append(len(self.working))
            day += datetime.timedelta(days=1)

    def add(self, day: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `day` (0 gives `day`)."""
        if days <= 0:
            return day
        return self.working[self.done_by[(day - self.first).days] + days - 1]

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        return self.done_by[(end - self.first).days] - self.done_by[(start - self.first).days]


# --- The organisation --------------------------------------------------------------------------


@dataclass
class Person:
    pk: int
    name: str
    department: int
    title: str
    phone: str
    roles: tuple[str, ...]


@dataclass
class Unit:
    """The generated organisation, as ids and names the case generator draws from."""

    unit: int
    office: int
    departments: list[int]  # departments (处室) other than the office, then sections
    names: dict[int, str]
    heads: dict[int, int]
    leaders: dict[int, int]
    staff_by_department: dict[int, list[int]]
    handlers_by_department: dict[int, list[int]]
    coordinators: list[int]
    desk: list[int]  # who registers cases, front desk weighted up
    people: dict[int, Person]
    matters: list[tuple[int, int, int, list[tuple[int, str, str]]]]  # pk, dept, days, materials
    absent_without_delegate: set[int]

    @property
    def all_departments(self) -> list[int]:
        return [self.office, *self.departments]


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def organisation_build(
    options: LoadOptions, rng: random.Random, result: LoadResult, today: datetime.date
) -> Unit:
    """Create the unit, departments with sections, heads, leaders, staff, roles and the
    service catalog (bulk inserts: no history rows)."""
    groups = roles_sync()
    count_departments = max(options.departments, 2)
    section_parents = [i for i in range(1, count_departments) if i % 4 == 1]
    count_sections = 2 * len(section_parents)
    leaders_needed = max(2, count_departments // 25)
    fixed = 1 + leaders_needed + 1 + 1 + 2  # chief, leaders, admin, discipline, coordinators
    heads_needed = count_departments + count_sections
    if options.staff < fixed + heads_needed + count_departments:
        raise LoadError(
            f"--staff {options.staff} is too few for {count_departments} departments: "
            f"at least {fixed + heads_needed + count_departments} are needed."
        )
    password = make_password(LOAD_PASSWORD)
    people: list[dict] = []

    def person(username: str, roles: tuple[str, ...], rank: int, title: str, **extra) -> dict:
        item = {
            "username": username,
            "full_name": _person_name(rng),
            "roles": roles,
            "rank": rank,
            "title": title,
            **extra,
        }
        people.append(item)
        return item

    Rank = StaffProfile.Rank
    chief = person("chief", ("supervising_leader",), Rank.BUREAU_CHIEF, "局长")
    leaders = [
        person(f"lead{i:02d}", ("supervising_leader",), Rank.DEPUTY_BUREAU_CHIEF, "副局长")
        for i in range(1, leaders_needed + 1)
    ]
    admin = person("loadadmin", ("administrator",), Rank.STAFF_MEMBER, "系统管理员", is_staff=True)
    discipline = person("disc01", ("discipline",), Rank.SECTION_CHIEF, "效能监察员")
    coordinators = [
        person(f"coord{i:02d}", ("office_coordinator", "front_desk"), Rank.STAFF_MEMBER, "科员")
        for i in (1, 2)
    ]
    heads = [
        person(
            f"head{i:04d}",
            ("department_head", "handler"),
            Rank.DIVISION_CHIEF if i <= count_departments else Rank.SECTION_CHIEF,
            "处长" if i <= count_departments else "股长",
        )
        for i in range(1, heads_needed + 1)
    ]
    ordinary = options.staff - len(people)
    for i in range(1, ordinary + 1):
        if i % 5 == 0:
            person(f"desk{i:05d}", ("front_desk",), Rank.STAFF_MEMBER, "窗口受理员")
        else:
            person(
                f"hand{i:05d}",
                ("handler",),
                rng.choice((Rank.CLERK, Rank.STAFF_MEMBER, Rank.DEPUTY_SECTION_CHIEF)),
                rng.choice(TITLES),
            )

    users = User.objects.bulk_create(
        User(
            username=item["username"],
            full_name=item["full_name"],
            email=f"{item['username']}@{LOAD_EMAIL_DOMAIN}",
            password=password,
            is_active=True,
            is_staff=item.get("is_staff", False),
        )
        for item in people
    )
    for item, user in zip(people, users, strict=True):
        item["pk"] = user.pk
    result.add(User._meta.db_table, len(users))

    def department(**values) -> Department:
        values["name_pinyin"], values["name_initials"] = pinyin_keys(values["name"])
        return Department(**values)

    (unit,) = Department.objects.bulk_create(
        [
            department(
                level=Department.Level.UNIT,
                parent=None,
                name="某省市场监督管理局（负载测试）",
                code=LOAD_UNIT_CODE,
                duties="全省市场监督管理（生成的负载测试数据）。",
                keywords="市场监管",
                location="省政务服务中心",
                phone="0531-80000000",
                head_id=chief["pk"],
                sort_order=0,
            )
        ]
    )
    top = []
    for i in range(count_departments):
        if i == 0:
            name, keywords = "办公室", "协调 督办 来信 来访 局长信箱 跨科室"
        else:
            base, keywords = DEPARTMENT_TOPICS[(i - 1) % len(DEPARTMENT_TOPICS)]
            round_ = (i - 1) // len(DEPARTMENT_TOPICS)
            name = f"{base}处" if round_ == 0 else f"{base}{round_ + 1}处"
        top.append(
            department(
                level=Department.Level.DEPARTMENT,
                parent_id=unit.pk,
                name=name,
                code=f"L{i:03d}",
                duties=f"负责{name.removesuffix('处')}相关工作。",
                keywords=keywords,
                location=f"省政务服务中心{i % 12 + 1}楼{i:03d}室",
                phone=f"0531-8{i:03d}1000",
                head_id=heads[i]["pk"],
                supervising_leader_id=leaders[i % len(leaders)]["pk"],
                is_office=i == 0,
                sort_order=(i + 1) * 10,
            )
        )
    top = Department.objects.bulk_create(top)
    sections = []
    head_index = count_departments
    for parent_position in section_parents:
        parent = top[parent_position]
        for j in range(2):
            sections.append(
                department(
                    level=Department.Level.SECTION,
                    parent_id=parent.pk,
                    name=SECTION_NAMES[j % len(SECTION_NAMES)],
                    code=f"{parent.code}S{j + 1}",
                    duties=f"承担{parent.name}的具体工作。",
                    location=parent.location,
                    phone=parent.phone,
                    head_id=heads[head_index]["pk"],
                    supervising_leader_id=parent.supervising_leader_id,
                    sort_order=parent.sort_order + j + 1,
                )
            )
            head_index += 1
    sections = Department.objects.bulk_create(sections)
    result.add(Department._meta.db_table, 1 + len(top) + len(sections))
    office = top[0]
    working = [d.pk for d in top[1:]] + [d.pk for d in sections]
    names = {d.pk: d.name for d in [unit, *top, *sections]}
    # Section names repeat between departments: show which department they belong to.
    for section in sections:
        names[section.pk] = f"{names[section.parent_id]}{section.name}"
    heads_by_department = {d.pk: d.head_id for d in [unit, *top, *sections]}
    leaders_by_department = {d.pk: d.supervising_leader_id for d in [*top, *sections]}

    # Who sits where: leaders and the chief in the unit, admin, discipline and coordinators in
    # the office, heads in their departments, everyone else spread over all of them.
    placement: dict[int, int] = {chief["pk"]: unit.pk}
    for item in leaders:
        placement[item["pk"]] = unit.pk
    for item in (admin, discipline, *coordinators):
        placement[item["pk"]] = office.pk
    for pk_department, pk_head in heads_by_department.items():
        placement[pk_head] = pk_department
    spread = [office.pk, *working]
    rest = [item for item in people if item["pk"] not in placement]
    for position, item in enumerate(rest):
        placement[item["pk"]] = spread[position % len(spread)]

    staff_by_department: dict[int, list[int]] = {}
    handlers_by_department: dict[int, list[int]] = {}
    for item in people:
        staff_by_department.setdefault(placement[item["pk"]], []).append(item["pk"])
        if "handler" in item["roles"]:
            handlers_by_department.setdefault(placement[item["pk"]], []).append(item["pk"])

    profiles = []
    persons: dict[int, Person] = {}
    absent_without_delegate: set[int] = set()
    for number, item in enumerate(people, start=1):
        pk = item["pk"]
        home = placement[pk]
        phone = f"0531-8{number:07d}"
        availability, away_from, away_until, delegate = "present", None, None, None
        roll = rng.random()
        colleagues = [other for other in staff_by_department[home] if other != pk]
        if roll < 0.03 and colleagues:
            availability = rng.choice(("absent", "business_trip"))
            away_from = today - datetime.timedelta(days=rng.randint(0, 5))
            away_until = today + datetime.timedelta(days=rng.randint(1, 10))
            if rng.random() < 0.8:
                delegate = rng.choice(colleagues)
            else:
                absent_without_delegate.add(pk)
        profiles.append(
            StaffProfile(
                user_id=pk,
                department_id=home,
                title=item["title"],
                duty=f"负责{names[home]}的咨询接待和事项办理",
                office_phone=phone,
                rank=item["rank"],
                employment_type=(
                    StaffProfile.EmploymentType.PROBATIONARY
                    if rng.random() < 0.05
                    else StaffProfile.EmploymentType.ESTABLISHED
                ),
                availability=availability,
                away_from=away_from,
                away_until=away_until,
                delegate_id=delegate,
            )
        )
        persons[pk] = Person(pk, item["full_name"], home, item["title"], phone, item["roles"])
    StaffProfile.objects.bulk_create(profiles, batch_size=1000)
    result.add(StaffProfile._meta.db_table, len(profiles))

    Membership = User.groups.through
    memberships = [
        Membership(user_id=item["pk"], group_id=groups[code].pk)
        for item in people
        for code in item["roles"]
    ]
    Membership.objects.bulk_create(memberships, batch_size=2000)
    result.add(Membership._meta.db_table, len(memberships))

    matters = _catalog_build(working, names, rng, result)
    desk_weighted = []
    for item in people:
        roles = item["roles"]
        if "front_desk" in roles and "office_coordinator" not in roles:
            desk_weighted += [item["pk"]] * 4
        elif "handler" in roles:
            desk_weighted.append(item["pk"])
    return Unit(
        unit=unit.pk,
        office=office.pk,
        departments=working,
        names=names,
        heads=heads_by_department,
        leaders=leaders_by_department,
        staff_by_department=staff_by_department,
        handlers_by_department=handlers_by_department,
        coordinators=[item["pk"] for item in coordinators],
        desk=desk_weighted,
        people=persons,
        matters=matters,
        absent_without_delegate=absent_without_delegate,
    )


def _catalog_build(
    departments: list[int], names: dict[int, str], rng: random.Random, result: LoadResult
):
    matters, materials = [], []
    for position, pk in enumerate(departments):
        for k in range(2):
            topic = TOPICS[(position * 2 + k) % len(TOPICS)]
            name = f"{topic}办理（{names[pk]}）"
            promised = rng.choice((3, 5, 7, 10, 15))
            code = f"LM{position:04d}{k}"
            full, initials = pinyin_keys(name)
            matters.append(
                ServiceMatter(
                    department_id=pk,
                    code=code,
                    name=name,
                    keywords=topic,
                    legal_basis="《中华人民共和国行政许可法》",
                    conditions="申请人具备相应条件。",
                    procedure="申请、受理、审查、决定、送达。",
                    promised_days=promised,
                    legal_days=promised + rng.choice((5, 10, 15)),
                    sort_order=(k + 1) * 10,
                    name_pinyin=full,
                    name_initials=initials,
                )
            )
    matters = ServiceMatter.objects.bulk_create(matters)
    for matter in matters:
        for order, name in enumerate(rng.sample(MATERIALS, 3), start=1):
            materials.append(
                RequiredMaterial(
                    matter_id=matter.pk,
                    name=name,
                    specification="原件1份，复印件1份",
                    sort_order=order * 10,
                )
            )
    materials = RequiredMaterial.objects.bulk_create(materials)
    result.add(ServiceMatter._meta.db_table, len(matters))
    result.add(RequiredMaterial._meta.db_table, len(materials))
    by_matter: dict[int, list[tuple[int, str, str]]] = {}
    for material in materials:
        by_matter.setdefault(material.matter_id, []).append(
            (material.pk, material.name, material.specification)
        )
    return [(m.pk, m.department_id, m.promised_days, by_matter[m.pk]) for m in matters]


def organisation_load() -> Unit:
    """The organisation a previous run generated (for `--append`)."""
    unit = Department.objects.get(code=LOAD_UNIT_CODE)
    departments = list(
        Department.objects.filter(parent=unit).order_by("pk").values("pk", "is_office", "name")
    )
    office = next(d["pk"] for d in departments if d["is_office"])
    sections = list(
        Department.objects.filter(parent__parent=unit).order_by("pk").values("pk", "name")
    )
    all_nodes = Department.objects.filter(pk__in=[d["pk"] for d in departments + sections])
    names = {d["pk"]: d["name"] for d in departments}
    for section in all_nodes.filter(level=Department.Level.SECTION).select_related("parent"):
        names[section.pk] = f"{section.parent.name}{section.name}"
    names[unit.pk] = unit.name
    heads = dict(all_nodes.values_list("pk", "head_id"))
    leaders = dict(all_nodes.values_list("pk", "supervising_leader_id"))
    role_of = {role.group_name: code for code, role in ROLES_BY_CODE.items()}
    profiles = StaffProfile.objects.filter(department__in=[unit.pk, *names]).select_related("user")
    memberships: dict[int, list[str]] = {}
    for user_id, group_name in User.groups.through.objects.filter(
        user__profile__in=profiles
    ).values_list("user_id", "group__name"):
        memberships.setdefault(user_id, []).append(role_of.get(group_name, ""))
    people, staff, handlers, desk, coordinators = {}, {}, {}, [], []
    absent = set()
    for profile in profiles.order_by("user_id"):
        roles = tuple(memberships.get(profile.user_id, ()))
        pk = profile.user_id
        people[pk] = Person(
            pk,
            profile.user.full_name,
            profile.department_id,
            profile.title,
            profile.office_phone,
            roles,
        )
        staff.setdefault(profile.department_id, []).append(pk)
        if "handler" in roles:
            handlers.setdefault(profile.department_id, []).append(pk)
            desk.append(pk)
        if "office_coordinator" in roles:
            coordinators.append(pk)
        elif "front_desk" in roles:
            desk += [pk] * 4
        if profile.availability != "present" and profile.delegate_id is None:
            absent.add(pk)
    matters = []
    for matter in ServiceMatter.objects.filter(department__in=list(names)).order_by("pk"):
        items = list(
            RequiredMaterial.objects.filter(matter=matter)
            .order_by("pk")
            .values_list("pk", "name", "specification")
        )
        matters.append((matter.pk, matter.department_id, matter.promised_days, items))
    return Unit(
        unit=unit.pk,
        office=office,
        departments=[d["pk"] for d in departments if not d["is_office"]]
        + [s["pk"] for s in sections],
        names=names,
        heads=heads,
        leaders=leaders,
        staff_by_department=staff,
        handlers_by_department=handlers,
        coordinators=coordinators,
        desk=desk,
        people=people,
        matters=matters,
        absent_without_delegate=absent,
    )


# --- Cases -------------------------------------------------------------------------------------


def tracking_code(pk: int, salt: int) -> str:
    """A 10-character code, different for every id (an affine bijection of the id space)."""
    value = (pk * _TRACKING_MULTIPLIER + salt) % _TRACKING_SPACE
    chars = []
    for _step in range(10):
        value, digit = divmod(value, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[digit])
    return "".join(chars)


def _id_number(rng: random.Random) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = (
        f"3701{rng.randint(1, 99):02d}{rng.randint(1950, 2004)}"
        f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


class Ids:
    """The next primary key of each table: rows are written with their ids, so that related
    rows can point at them without a round trip."""

    def __init__(self, models_: Iterable[type[models.Model]]):
        self.next: dict[type[models.Model], int] = {}
        for model in models_:
            top = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
            self.next[model] = top + 1

    def take(self, model: type[models.Model]) -> int:
        pk = self.next[model]
        self.next[model] = pk + 1
        return pk


CASE_MODELS = (
    Inquiry,
    TimelineEvent,
    Referral,
    Notice,
    NoticeItem,
    CaseFlag,
    Notification,
    Rating,
    Rectification,
    Finding,
    PressNotice,
)


class CaseGenerator:
    """Builds the rows of one case at a time, following the services' rules."""

    def __init__(
        self,
        *,
        org: Unit,
        rng: random.Random,
        ids: Ids,
        days: DayIndex,
        until: datetime.date,
        policy: CasePolicy,
        counters: dict[int, int],
        salt: int,
    ):
        self.org = org
        self.rng = rng
        self.ids = ids
        self.days = days
        self.until = until
        self.policy = policy
        self.counters = counters
        self.salt = salt
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.until_start = datetime.datetime.combine(until, datetime.time(), tzinfo=self.tz)
        self.tables = {model: Table(model) for model in CASE_MODELS}
        self.channels = _weighted(CHANNEL_WEIGHTS)
        self.kinds = _weighted(KIND_WEIGHTS)
        self.old = _weighted(STATUS_WEIGHTS_OLD)
        self.recent = _weighted(STATUS_WEIGHTS_RECENT)
        self.ratings = _weighted(RATING_WEIGHTS)
        self.matters_by_department: dict[int, list] = {}
        for matter in org.matters:
            self.matters_by_department.setdefault(matter[1], []).append(matter)

    # helpers
    def pick(self, weighted):
        values, cumulative = weighted
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def name(self, pk: int | None) -> str:
        return self.org.people[pk].name if pk else ""

    def later(self, at: datetime.datetime, low_minutes: float, high_minutes: float):
        """A moment after `at`, never at or after the start of `until`."""
        moment = at + datetime.timedelta(minutes=self.rng.uniform(low_minutes, high_minutes))
        ceiling = self.until_start - datetime.timedelta(minutes=1)
        return max(min(moment, ceiling), at)

    def local_day(self, at: datetime.datetime) -> datetime.date:
        return at.astimezone(self.tz).date()

    def requester(self, channel: str) -> dict:
        rng = self.rng
        if rng.random() < 0.2:
            name = (
                rng.choice(DISTRICTS[:3]).removesuffix("区")
                + rng.choice(COMPANY_WORDS)
                + rng.choice(COMPANY_KINDS)
            )
            unit = ""
        else:
            name = _person_name(rng)
            unit = (
                rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS) if rng.random() < 0.1 else ""
            )
        if rng.random() < 0.9:
            phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        else:
            phone = f"0531-8{rng.randint(0, 9_999_999):07d}"
        address = ""
        if channel in {Channel.LETTER, Channel.FAX} or rng.random() < 0.1:
            address = f"{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        id_number = _id_number(rng) if rng.random() < 0.05 else ""
        return {
            "requester_name": name,
            "requester_unit": unit,
            "requester_phone": phone,
            "requester_address": address,
            "requester_id_number": id_number,
        }

    def text(self, kind: str) -> tuple[str, str]:
        rng = self.rng
        topic, place, problem = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(PROBLEMS)
        district = rng.choice(DISTRICTS)
        if kind == Kind.CONSULTATION:
            subject = f"咨询{topic}{rng.choice(ASPECTS)}"
            content = f"来电人咨询{topic}的{rng.choice(ASPECTS)}和{rng.choice(ASPECTS)}。"
        elif kind == Kind.SERVICE:
            subject = f"办理{topic}"
            content = f"申请人前来办理{topic}，{rng.choice(DETAILS)}。"
        elif kind == Kind.SUGGESTION:
            suggestion = rng.choice(SUGGESTIONS)
            subject = f"关于{suggestion}的建议"
            content = f"群众建议{suggestion}，{rng.choice(DETAILS)}。"
        elif kind == Kind.HELP:
            thing = rng.choice(HELP_THINGS)
            subject = f"求助：{thing}"
            content = f"求助人反映{thing}，{rng.choice(DETAILS)}。"
        else:
            verb = {Kind.COMPLAINT: "投诉", Kind.TIP_OFF: "举报", Kind.REPORT: "反映"}[kind]
            subject = f"{verb}{district}{place}{problem}"
            content = (
                f"{rng.choice(TIMES)}在{district}{rng.choice(ROADS)}{place}发现{problem}，"
                f"{rng.choice(DETAILS)}。"
            )
        content += f"{rng.choice(ASKS)}。"
        return subject, content

    # the case
    def case(self, received_at: datetime.datetime) -> None:
        rng, org, days = self.rng, self.org, self.days
        t = self.tables
        pk = self.ids.take(Inquiry)
        received_on = self.local_day(received_at)
        year = received_on.year
        self.counters[year] = self.counters.get(year, 0) + 1
        number = f"{year}-{self.counters[year]:06d}"
        channel = self.pick(self.channels)
        kind = self.pick(self.kinds)
        if channel == Channel.ONLINE and kind not in ONLINE_KINDS:
            kind = rng.choice(ONLINE_KINDS)
        age = (self.until - received_on).days
        status = self.pick(self.recent if age <= RECENT_DAYS else self.old)
        subject, content = self.text(kind)
        requester = self.requester(channel)

        responder = rng.choice(org.desk)
        home = org.people[responder].department
        matter = None
        if kind == Kind.SERVICE or (kind == Kind.CONSULTATION and rng.random() < 0.2):
            matter = rng.choice(org.matters)
        if status == Status.AWAITING_MATERIALS and matter is None:
            matter = rng.choice(org.matters)
        limit = matter[2] if matter else self.policy.days_for_kind(kind)
        deadline = days.add(received_on, limit)
        fields = {
            "id": pk,
            "number": number,
            "tracking_code": tracking_code(pk, self.salt),
            "channel": channel,
            "kind": kind,
            "subject": subject,
            "content": content,
            "received_at": received_at,
            "letter_date": (
                received_on - datetime.timedelta(days=rng.randint(1, 5))
                if channel in {Channel.LETTER, Channel.FAX}
                else None
            ),
            "first_responder_id": responder,
            "receiving_department_id": home,
            "disclosure_given": channel != Channel.ONLINE and rng.random() < 0.92,
            "matter_id": matter[0] if matter else None,
            "handling_department_id": matter[1] if matter else None,
            "current_holder_id": responder,
            "time_limit_days": limit,
            "deadline": deadline,
            "notice_due": (
                days.add(received_on, self.policy.notice_limit_days) if matter else None
            ),
            "created_at": received_at,
            **requester,
        }
        events: list[dict] = []
        notes: list[tuple[int, str, str, datetime.datetime, int | None]] = []
        version = 1

        def event(kind_, at, actor, *, message="", data=None, from_=None, to=None, public=True):
            events.append(
                {
                    "kind": kind_,
                    "at": at,
                    "actor_id": actor,
                    "message": message,
                    "data": data or {},
                    "from_status": from_ or "",
                    "to_status": to or "",
                    "is_public": public,
                }
            )

        def move(at, actor, from_, to, message=""):
            nonlocal version
            version += 1
            event(TimelineEvent.Kind.STATUS, at, actor, message=message, from_=from_, to=to)

        def notify(recipient, kind_, key, at, data):
            if recipient:
                notes.append((recipient, kind_, key, at, data))

        # An online letter nobody has picked up yet waits in the office's queue.
        if channel == Channel.ONLINE and status == Status.REGISTERED and rng.random() < 0.6:
            fields.update(
                first_responder_id=None,
                current_holder_id=None,
                receiving_department_id=org.office,
                handling_department_id=org.office,
                disclosure_given=False,
            )
            event(TimelineEvent.Kind.REGISTERED, received_at, None, data={"channel": channel})
            for coordinator in org.coordinators:
                notify(coordinator, Notification.Kind.COORDINATION, f"online:{pk}", received_at, {})
            self._finish(pk, fields, events, notes, version, status, received_at)
            return

        event(
            TimelineEvent.Kind.REGISTERED,
            received_at,
            responder,
            data={"department": org.names[home], "channel": channel},
        )
        if channel == Channel.ONLINE:
            event(
                TimelineEvent.Kind.PICKED_UP,
                received_at,
                responder,
                data={"by": self.name(responder)},
            )
        if fields["disclosure_given"]:
            person = org.people[responder]
            event(
                TimelineEvent.Kind.DISCLOSURE,
                received_at,
                responder,
                data={"name": person.name, "title": person.title, "phone": person.phone},
            )

        at = received_at
        current = Status.REGISTERED
        holder = responder
        handling = fields["handling_department_id"]
        base = {"number": number, "subject": subject}

        def referral(target, to_user, to_department, state, when, *, is_lead=True):
            """A referral from the holder; returns (id, decided_at, decided_by)."""
            rpk = self.ids.take(Referral)
            due = days.add(self.local_day(when), self.policy.referral_accept_days)
            waiting = to_user in org.absent_without_delegate
            decided_at = decided_by = None
            values = {
                "id": rpk,
                "inquiry_id": pk,
                "target": target,
                "state": state,
                "from_user_id": holder,
                "from_department_id": org.people[holder].department,
                "to_user_id": to_user,
                "to_department_id": to_department,
                "waiting_for_absent": waiting and state == Referral.State.PENDING,
                "is_lead": is_lead,
                "reason": rng.choice(REASONS),
                "told": "已告知来访人转办去向和联系方式。",
                "handover": {
                    "name": requester["requester_name"],
                    "unit": requester["requester_unit"],
                    "phone": requester["requester_phone"],
                    "subject": subject,
                    "matter": "",
                },
                "created_at": when,
                "accept_due": due,
            }
            if state != Referral.State.PENDING:
                decided_at = self.later(when, 10, 60 * 20)
                decided_by = to_user or rng.choice(
                    org.handlers_by_department.get(to_department) or [org.heads[to_department]]
                )
                if target == Referral.Target.OFFICE:
                    decided_by = rng.choice(org.coordinators)
                values.update(decided_at=decided_at, decided_by_id=decided_by)
            if state == Referral.State.RETURNED:
                values["return_reason"] = rng.choice(RETURN_REASONS)
            t[Referral].add(**values)
            label = self.name(to_user) if to_user else org.names[to_department]
            event(
                TimelineEvent.Kind.REFERRED,
                when,
                holder,
                message=values["told"],
                data={
                    "to": label,
                    "due": due.isoformat(),
                    "target": target,
                    "meant_for": "",
                    "waiting_for_absent": values["waiting_for_absent"],
                },
            )
            recipients = (
                [to_user]
                if to_user
                else org.coordinators
                if target == Referral.Target.OFFICE
                else [org.heads[to_department]]
            )
            for recipient in recipients:
                if recipient != holder:
                    notify(
                        recipient,
                        Notification.Kind.REFERRAL_RECEIVED
                        if to_user
                        else Notification.Kind.COORDINATION
                        if target == Referral.Target.OFFICE
                        else Notification.Kind.REFERRAL_TO_DEPARTMENT,
                        f"referral:{rpk}:created",
                        when,
                        base | {"by": self.name(holder), "to": label},
                    )
            if state == Referral.State.ACCEPTED and is_lead:
                event(
                    TimelineEvent.Kind.ACCEPTED,
                    decided_at,
                    decided_by,
                    data={"by": self.name(decided_by)},
                )
                for recipient in {responder, holder} - {decided_by}:
                    notify(
                        recipient,
                        Notification.Kind.REFERRAL_ACCEPTED,
                        f"referral:{rpk}:accepted",
                        decided_at,
                        base | {"by": self.name(decided_by)},
                    )
            if state == Referral.State.RETURNED:
                event(
                    TimelineEvent.Kind.RETURNED,
                    decided_at,
                    decided_by,
                    message=values["return_reason"],
                    data={"by": self.name(decided_by), "to": self.name(holder)},
                )
                notify(
                    holder,
                    Notification.Kind.REFERRAL_RETURNED,
                    f"referral:{rpk}:returned",
                    decided_at,
                    base | {"by": self.name(decided_by), "reason": values["return_reason"]},
                )
            return rpk, decided_at, decided_by

        def other_department() -> int:
            position = rng.randrange(len(org.departments))
            if org.departments[position] == home:
                position = (position + 1) % len(org.departments)
            return org.departments[position]

        def colleague() -> int | None:
            others = [p for p in org.staff_by_department.get(home, ()) if p != responder]
            return rng.choice(others) if others else None

        # The story: which path, who handles it, where it stands now.
        scenario = rng.random()
        closes = status in {Status.CLOSED, Status.REOPENED}
        immediate = closes and scenario < 0.45 and channel != Channel.ONLINE
        if immediate:
            # Decided at the first contact: answered on the spot, pointed elsewhere, refused.
            at = self.later(received_at, 5, 40)
            roll = rng.random()
            if roll < 0.7:
                path, told, result = Path.OWN_DUTY, "", rng.choice(RESULTS[:1] + RESULTS[5:6])
                handling = home
            elif roll < 0.88:
                target = other_department()
                path = Path.OTHER_DEPARTMENT
                told = f"{org.names[target]}，地点：省政务服务中心，电话：0531-80001000"
                result = told
                fields["path_department_id"] = target
            else:
                path = rng.choice((Path.NOT_ALLOWED, Path.OUTSIDE_REMIT))
                told = "依据有关规定，该事项不属于本单位受理范围，已告知可向有关部门反映。"
                result = told
            fields.update(path=path, path_told=told)
            move(at, responder, current, Status.CLOSED, message=result)
            current = Status.CLOSED
            fields.update(
                result=result,
                closed_at=at,
                feedback_method={
                    Channel.VISIT: FeedbackMethod.ON_THE_SPOT,
                    Channel.PHONE: FeedbackMethod.PHONE,
                }.get(channel, FeedbackMethod.LETTER),
                feedback_at=at,
                feedback_note=told or result,
                handling_department_id=handling,
            )
            data = {"path": path}
            if fields.get("path_department_id"):
                data["to"] = org.names[fields["path_department_id"]]
            event(TimelineEvent.Kind.PATH, at, responder, message=told, data=data)
        elif status == Status.REGISTERED:
            pass
        else:
            at = self.later(received_at, 10, 120)
            if status == Status.COORDINATING or (closes and scenario < 0.5):
                # To the office: it coordinates, names a lead department (or the case waits).
                fields.update(path=Path.OFFICE, path_department_id=org.office)
                pending = status == Status.COORDINATING
                withdrawn = closes and rng.random() < 0.1
                state = Referral.State.PENDING if pending or withdrawn else Referral.State.ACCEPTED
                _rpk, decided_at, coordinator = referral(
                    Referral.Target.OFFICE, None, org.office, state, at
                )
                move(at, holder, current, Status.COORDINATING)
                current = Status.COORDINATING
                holder, handling = None, org.office
                if withdrawn:
                    # The requester withdrew while the office had not coordinated yet.
                    t[Referral].rows[-1][t[Referral].index["state"]] = Referral.State.WITHDRAWN
                    at = self.later(at, 60, 60 * 24 * 3)
                    t[Referral].rows[-1][t[Referral].index["decided_at"]] = at
                    t[Referral].rows[-1][t[Referral].index["decided_by_id"]] = responder
                elif not pending:
                    lead = other_department()
                    event(
                        TimelineEvent.Kind.COORDINATED,
                        decided_at,
                        coordinator,
                        data={"lead": org.names[lead], "others": ""},
                    )
                    holder = coordinator
                    _rpk, at, accepted_by = referral(
                        Referral.Target.DEPARTMENT,
                        None,
                        lead,
                        Referral.State.ACCEPTED,
                        decided_at,
                    )
                    if rng.random() < 0.3:
                        referral(
                            Referral.Target.CONTRIBUTION,
                            None,
                            other_department(),
                            Referral.State.ACCEPTED,
                            decided_at,
                            is_lead=False,
                        )
                    move(at, accepted_by, current, Status.IN_PROGRESS)
                    current, holder, handling = Status.IN_PROGRESS, accepted_by, lead
            elif status == Status.AWAITING_MATERIALS or (closes and scenario < 0.6):
                # Own duty with a one-time notice (and, now and then, a second one).
                fields.update(path=Path.OWN_DUTY)
                handling = handling or home
                event(TimelineEvent.Kind.PATH, at, responder, data={"path": Path.OWN_DUTY})
                self._notice(pk, 1, at, responder, matter, events, limit)
                move(at, responder, current, Status.AWAITING_MATERIALS)
                current = Status.AWAITING_MATERIALS
                stopped_on = self.local_day(at)
                if status == Status.AWAITING_MATERIALS:
                    fields.update(
                        clock_stopped_on=stopped_on,
                        days_left_when_stopped=days.between(stopped_on, deadline),
                    )
                    if rng.random() < 0.1:
                        second = self.later(at, 60 * 24, 60 * 24 * 10)
                        self._notice(pk, 2, second, responder, matter, events, limit, second=True)
                else:
                    at = self.later(at, 60 * 24, 60 * 24 * 6)
                    event(TimelineEvent.Kind.MATERIALS, at, responder, message="材料已补齐。")
                    restarted = days.add(self.local_day(at), limit)
                    if restarted != deadline:
                        deadline = restarted
                        fields["deadline"] = deadline
                        event(
                            TimelineEvent.Kind.DEADLINE,
                            at,
                            responder,
                            data={"deadline": deadline.isoformat()},
                        )
                    move(at, responder, current, Status.IN_PROGRESS)
                    current = Status.IN_PROGRESS
            else:
                roll = rng.random()
                if roll < 0.35 and colleague():
                    to, dept, target = colleague(), home, Referral.Target.COLLEAGUE
                    path = Path.SAME_DEPARTMENT
                elif roll < 0.9:
                    to, dept, target = None, other_department(), Referral.Target.DEPARTMENT
                    path = Path.OTHER_DEPARTMENT
                else:
                    to, dept = org.leaders.get(home) or org.leaders[org.departments[0]], None
                    target, path = Referral.Target.LEADER, Path.OFFICE
                    dept = org.people[to].department
                if status == Status.IN_PROGRESS and rng.random() < 0.35:
                    to = dept = None  # handled by the responder themself
                if to is None and dept is None:
                    fields.update(path=Path.OWN_DUTY)
                    handling = home
                    event(TimelineEvent.Kind.PATH, at, responder, data={"path": Path.OWN_DUTY})
                    move(at, responder, current, Status.IN_PROGRESS, message="正在办理。")
                    current = Status.IN_PROGRESS
                else:
                    fields.update(path=path)
                    if target != Referral.Target.COLLEAGUE:
                        fields["path_department_id"] = dept
                    if (
                        target == Referral.Target.DEPARTMENT
                        and status != Status.REFERRED
                        and rng.random() < 0.15
                    ):
                        # Returned with the reason and basis, then sent on to the right one.
                        _rpk, at, _by = referral(target, None, dept, Referral.State.RETURNED, at)
                        move(at, holder, current, Status.REFERRED)
                        current = Status.REFERRED
                        move(at, _by, current, Status.IN_PROGRESS)
                        current = Status.IN_PROGRESS
                        dept = other_department()
                        fields["path_department_id"] = dept
                    state = (
                        Referral.State.PENDING
                        if status == Status.REFERRED
                        else Referral.State.ACCEPTED
                    )
                    _rpk, decided_at, accepted_by = referral(target, to, dept, state, at)
                    move(at, holder, current, Status.REFERRED)
                    current, holder, handling = Status.REFERRED, to, dept
                    if state == Referral.State.ACCEPTED:
                        at = decided_at
                        move(at, accepted_by, current, Status.IN_PROGRESS)
                        current, holder = Status.IN_PROGRESS, accepted_by

            # Replied by a handler other than the responder, then closed (and maybe reopened).
            if status in {Status.REPLIED, Status.CLOSED, Status.REOPENED} and (
                current == Status.IN_PROGRESS
            ):
                handled_by = holder or responder
                span = max(limit, 1) * 1.4 * 60 * 24 * rng.uniform(0.1, 1.0)
                at = self.later(at, 30, span)
                reply = rng.choice(RESULTS[1:])
                if handled_by != responder:
                    event(TimelineEvent.Kind.REPLY, at, handled_by, message=reply)
                    move(at, handled_by, current, Status.REPLIED)
                    current = Status.REPLIED
                    fields["result"] = reply
                    notify(
                        responder,
                        Notification.Kind.REPLIED,
                        f"inquiry:{pk}:v{version}:replied",
                        at,
                        base | {"by": self.name(handled_by)},
                    )
                if status != Status.REPLIED:
                    at = self.later(at, 30, 60 * 24 * 2)
                    method = rng.choice(
                        (FeedbackMethod.PHONE, FeedbackMethod.SMS, FeedbackMethod.LETTER)
                    )
                    unreachable = rng.random() < 0.02
                    fields.update(
                        result=reply,
                        closed_at=at,
                        feedback_method="" if unreachable else method,
                        feedback_at=None if unreachable else at,
                        feedback_note="" if unreachable else "已电话告知办理结果。",
                        unreachable_reason="电话多次无人接听，地址查无此人。"
                        if unreachable
                        else "",
                    )
                    move(at, responder, current, Status.CLOSED, message=reply)
                    current = Status.CLOSED
                    event(
                        TimelineEvent.Kind.FEEDBACK,
                        at,
                        responder,
                        message=fields["unreachable_reason"] or fields["feedback_note"],
                        data={"unreachable": True} if unreachable else {"method": method},
                    )
                    notify(
                        handled_by if handled_by != responder else None,
                        Notification.Kind.CLOSED,
                        f"inquiry:{pk}:v{version}:closed",
                        at,
                        base | {"by": self.name(responder)},
                    )
            elif closes and current == Status.COORDINATING:
                # The withdrawn office referral: closed with the requester's withdrawal.
                result = "来访人撤回诉求，已办结。"
                fields.update(
                    result=result,
                    closed_at=at,
                    feedback_method=FeedbackMethod.PHONE,
                    feedback_at=at,
                    feedback_note="已电话确认撤回。",
                )
                move(at, responder, current, Status.CLOSED, message=result)
                current = Status.CLOSED

        if status == Status.REOPENED and current == Status.CLOSED:
            at = self.later(at, 60 * 24, 60 * 24 * 10)
            move(at, responder, current, Status.REOPENED, message="来访人对处理结果不满意。")
            current = Status.REOPENED
            deadline = days.add(self.local_day(at), limit)
            holder = holder or responder
            fields.update(
                deadline=deadline,
                closed_at=None,
                result="",
                feedback_method="",
                feedback_at=None,
                feedback_note="",
                unreachable_reason="",
            )
        if current != status:
            # A story that could not reach the status drawn (e.g. no colleague to refer to)
            # keeps where it got to: the statuses stay legal and consistent.
            status = current
        fields.update(current_holder_id=holder, handling_department_id=handling)

        if status == Status.CLOSED and rng.random() < 0.35:
            self._rating(pk, fields, events, notes, base, at)
        if rng.random() < 0.006 and events:
            detail = rng.choice(TABOO_DETAILS)
            self._flag(pk, CaseFlag.Kind.TABOO_PHRASE, detail, events[-1]["at"], responder, events)
        self._finish(pk, fields, events, notes, version, status, at)

    def _notice(self, pk, sequence, at, by, matter, events, limit, *, second=False):
        t = self.tables
        npk = self.ids.take(Notice)
        items = list(matter[3]) if matter else [(None, "申请书", "")]
        if second:
            items = [(None, "补充说明材料", "")]
        t[Notice].add(
            id=npk,
            inquiry_id=pk,
            sequence=sequence,
            issued_at=at,
            issued_by_id=by,
            time_limit_days=limit,
            note="请一次性补齐以下材料。",
            is_second_notice=second,
        )
        for material_pk, name, specification in items:
            t[NoticeItem].add(
                id=self.ids.take(NoticeItem),
                notice_id=npk,
                material_id=material_pk,
                name=name,
                specification=specification,
            )
        if second:
            self._flag(pk, CaseFlag.Kind.SECOND_NOTICE, "补充说明材料", at, by, events)
        events.append(
            {
                "kind": TimelineEvent.Kind.NOTICE,
                "at": at,
                "actor_id": by,
                "message": "请一次性补齐以下材料。",
                "data": {"sequence": sequence, "items": "、".join(item[1] for item in items)},
                "from_status": "",
                "to_status": "",
                "is_public": True,
            }
        )

    def _flag(self, pk, kind, detail, at, by, events):
        self.tables[CaseFlag].add(
            id=self.ids.take(CaseFlag),
            inquiry_id=pk,
            kind=kind,
            detail=detail,
            raised_at=at,
            raised_by_id=by,
        )
        events.append(
            {
                "kind": TimelineEvent.Kind.FLAG,
                "at": at,
                "actor_id": None,
                "message": "",
                "data": {"flag": kind, "detail": detail},
                "from_status": "",
                "to_status": "",
                "is_public": False,
            }
        )

    def _rating(self, pk, fields, events, notes, base, at):
        rng, t = self.rng, self.tables
        level = self.pick(self.ratings)
        rated_at = self.later(at, 10, 60 * 24 * 3)
        source = rng.choices(
            (Rating.Source.TRACKING_PAGE, Rating.Source.PHONE, Rating.Source.PAPER),
            weights=(6, 3, 1),
        )[0]
        rating_pk = self.ids.take(Rating)
        responder = fields["first_responder_id"]
        t[Rating].add(
            id=rating_pk,
            inquiry_id=pk,
            level=level,
            comment="" if level >= 3 else "处理太慢，答复不清楚。",
            source=source,
            recorded_by_id=None if source == Rating.Source.TRACKING_PAGE else responder,
            rated_at=rated_at,
        )
        events.append(
            {
                "kind": TimelineEvent.Kind.NOTE,
                "at": rated_at,
                "actor_id": None,
                "message": "",
                "data": {"rating": level},
                "from_status": "",
                "to_status": "",
                "is_public": False,
            }
        )
        if level <= 2:
            department = fields["handling_department_id"] or fields["receiving_department_id"]
            head = self.org.heads.get(department)
            due = self.days.add(self.local_day(rated_at), self.policy.rectification_days)
            done = due < self.until and rng.random() < 0.8
            rectification_pk = self.ids.take(Rectification)
            t[Rectification].add(
                id=rectification_pk,
                inquiry_id=pk,
                rating_id=rating_pk,
                department_id=department,
                assigned_to_id=head,
                due=due,
                called_back_at=self.later(rated_at, 60, 60 * 24 * 5) if done else None,
                action_taken="已回访并整改。" if done else "",
                reported_back_at=self.later(rated_at, 60 * 24, 60 * 24 * 10) if done else None,
                report_note="已向评价人反馈整改情况。" if done else "",
                closed=done,
            )
            if head:
                notes.append(
                    (
                        head,
                        Notification.Kind.RECTIFICATION,
                        f"rectification:{rectification_pk}",
                        rated_at,
                        base | {"level": level, "due": due.isoformat()},
                    )
                )

    def _finish(self, pk, fields, events, notes, version, status, last_at):
        rng, t, org = self.rng, self.tables, self.org
        fields.update(status=status, version=version, updated_at=last_at)
        t[Inquiry].add(**fields)
        for item in events:
            t[TimelineEvent].add(id=self.ids.take(TimelineEvent), inquiry_id=pk, **item)
        seen = set()
        recent = self.until_start - datetime.timedelta(days=14)
        for recipient, kind, key, at, data in notes:
            if (recipient, key) in seen:
                continue
            seen.add((recipient, key))
            t[Notification].add(
                id=self.ids.take(Notification),
                recipient_id=recipient,
                kind=kind,
                inquiry_id=pk,
                event_key=key,
                data=data,
                created_at=at,
                read_at=self.later(at, 5, 60 * 8) if at < recent or rng.random() < 0.5 else None,
                emailed_at=at,
            )
        # What the overdue sweep would have found: open cases past their deadline.
        if (
            status
            in {
                Status.REGISTERED,
                Status.IN_PROGRESS,
                Status.REFERRED,
                Status.COORDINATING,
                Status.REPLIED,
                Status.REOPENED,
            }
            and fields["deadline"] < self.until
        ):
            deadline = fields["deadline"]
            department = fields["handling_department_id"] or fields["receiving_department_id"]
            found_at = datetime.datetime.combine(
                deadline + datetime.timedelta(days=1), datetime.time(7), tzinfo=self.tz
            )
            t[Finding].add(
                id=self.ids.take(Finding),
                kind=Finding.Kind.CASE_OVERDUE,
                inquiry_id=pk,
                department_id=department,
                responsible_id=fields["current_holder_id"] or fields["first_responder_id"],
                due=deadline,
                found_at=found_at,
                key=f"case_overdue:{pk}:{deadline.isoformat()}",
            )
            leader = org.leaders.get(department)
            if leader and rng.random() < 0.2:
                answered = rng.random() < 0.5
                pressed_at = self.later(found_at, 60, 60 * 24)
                t[PressNotice].add(
                    id=self.ids.take(PressNotice),
                    inquiry_id=pk,
                    pressed_by_id=leader,
                    message="请加快办理，按时反馈。",
                    respond_by=self.days.add(self.local_day(pressed_at), 2),
                    created_at=pressed_at,
                    answered_at=self.later(pressed_at, 60, 60 * 24) if answered else None,
                    answered_by_id=(fields["current_holder_id"] or fields["first_responder_id"])
                    if answered
                    else None,
                    answer="正在加紧办理。" if answered else "",
                )


# --- The run -----------------------------------------------------------------------------------


def received_times(
    count: int, working_days: list[datetime.date], tz: ZoneInfo
) -> Iterable[datetime.datetime]:
    """`count` moments spread evenly over the office hours of `working_days`, in order."""
    span = len(working_days)
    for i in range(count):
        position = i * span / count
        day = working_days[int(position)]
        minutes = DAY_START_MINUTES + (position - int(position)) * DAY_LENGTH_MINUTES
        yield datetime.datetime.combine(day, datetime.time(), tzinfo=tz) + datetime.timedelta(
            minutes=minutes
        )


def _postgres_fast_session(cursor) -> bool:
    """Skip the foreign-key triggers for this session while loading, if we may (superuser).

    The generator writes every row after the rows it points at, so nothing is lost: this only
    saves the per-row trigger. It lasts for the connection's session, never beyond.
    """
    # Each batch's commit need not wait for the disk: a crash loses at most the last batches
    # of a run that is started again anyway.
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    (superuser,) = cursor.fetchone()
    if superuser:
        cursor.execute("SET session_replication_role = replica")
    return bool(superuser)


def load_generate(
    options: LoadOptions,
    *,
    progress_stream=None,
    log: Callable[[str], None] = lambda _text: None,
) -> LoadResult:
    """Generate the organisation (unless appending to an earlier one) and the cases."""
    from django.utils import timezone

    started = time.monotonic()
    result = LoadResult()
    rng = random.Random(options.seed)
    until = options.until or timezone.localdate()
    tz = ZoneInfo(settings.TIME_ZONE)
    first = until - datetime.timedelta(days=365 * options.years)
    writer = Writer(result)

    with transaction.atomic():
        existing = Department.objects.filter(code=LOAD_UNIT_CODE).exists()
        if existing and not options.append:
            raise LoadError("A generated organisation exists already: use --append.")
        if existing:
            log("Using the generated organisation already in the database.")
            org = organisation_load()
        else:
            log("Creating the organisation and the service catalog …")
            org = organisation_build(options, rng, result, until)
        policy = CasePolicy.current()
        counters = dict(CaseNumberCounter.objects.values_list("year", "last"))
        ids = Ids(CASE_MODELS)

    days = DayIndex(first - datetime.timedelta(days=7), until + datetime.timedelta(days=400))
    working = [day for day in days.working if first <= day < until]
    generator = CaseGenerator(
        org=org,
        rng=rng,
        ids=ids,
        days=days,
        until=until,
        policy=policy,
        counters=counters,
        salt=options.seed * 7919,
    )
    log(f"Generating {options.cases:,} cases from {working[0]} to {working[-1]} …")
    progress = Progress(options.cases, progress_stream)
    fast = False
    if writer.postgres:
        with connection.cursor() as cursor:
            fast = _postgres_fast_session(cursor)
    try:
        done = 0
        times = received_times(options.cases, working, tz)
        while done < options.cases:
            size = min(BATCH_CASES, options.cases - done)
            for _i in range(size):
                generator.case(next(times))
            with transaction.atomic():
                for model in CASE_MODELS:
                    writer.write(generator.tables[model])
            done += size
            progress.update(done)
        progress.finish(done)
    finally:
        if fast:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        if writer.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = DEFAULT")

    with transaction.atomic():
        for year, last in sorted(counters.items()):
            CaseNumberCounter.objects.update_or_create(year=year, defaults={"last": last})
        _sequences_reset()
    # COPY sends no signals: the statistics summary of every month is built from the cases.
    from inquiries.services.statistics import rebuild_months

    log("Statistics summary …")
    rebuild_months()
    if writer.postgres:
        log("ANALYZE …")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT pg_database_size(current_database())")
            result.database_bytes = cursor.fetchone()[0]
    result.seconds = time.monotonic() - started
    return result


def _sequences_reset() -> None:
    """Rows were written with explicit ids: move the id sequences past them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(
        no_style(),
        [
            *CASE_MODELS,
            User,
            Department,
            StaffProfile,
            ServiceMatter,
            RequiredMaterial,
            User.groups.through,
            Group,
        ],
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def rows_table(result: LoadResult) -> str:
    """Rows written per table, for the command's report."""
    out = io.StringIO()
    for table, count in sorted(result.rows.items()):
        out.write(f"  {table:<40} {count:>12,}\n")
    return out.getvalue()
