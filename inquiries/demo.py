"""The demo organisation: a city market-supervision bureau, as plain data.

`manage.py seed_demo` applies this to the database. Departments and people are keyed by
`code` and `username`, so the command can be run again without creating duplicates. The
text here is sample *content* (what an office would type in), so it is not translated.
"""

from dataclasses import dataclass

from inquiries.models import Department, StaffProfile

# One password for every demo account. Long enough for the password validators and not on
# their common-password list; printed by seed_demo, so never use these accounts for real work.
DEMO_PASSWORD = "firstask-demo"

# The demo e-mail domain: ".example" is reserved (RFC 2606), so no mail can reach anyone.
DEMO_EMAIL_DOMAIN = "scjgj.example"

# The demo logins are printed with this address, where `make run` serves the site.
DEMO_SITE_URL = "http://127.0.0.1:8000/"

ADMIN_USERNAME = "admin"

# Stored on each history row seed_demo writes, so the admin history says where it came from;
# the demo cases are recognised by it (see inquiries/demo_cases.py).
SEED_CHANGE_REASON = "seed_demo"

Level = Department.Level
Rank = StaffProfile.Rank
Employment = StaffProfile.EmploymentType
Availability = StaffProfile.Availability


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    level: str
    parent: str | None  # the parent's code
    duties: str
    keywords: str
    location: str
    phone: str
    head: str | None = None  # usernames
    supervising_leader: str | None = None
    contact_person: str | None = None
    is_office: bool = False


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    department: str  # the department's code
    title: str
    duty: str
    office_phone: str
    rank: int
    roles: tuple[str, ...]  # role codes from inquiries.roles
    employment_type: str = Employment.ESTABLISHED
    availability: str = Availability.PRESENT
    # Away dates are days relative to the day the command runs, so the demo always shows
    # someone who is away right now.
    away_from_days: int | None = None
    away_until_days: int | None = None
    delegate: str | None = None  # username
    is_staff: bool = False


UNIT_CODE = "SCJGJ"

# Parents come before their children: the command creates them in this order.
DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment(
        code=UNIT_CODE,
        name="某市市场监督管理局",
        level=Level.UNIT,
        parent=None,
        duties=(
            "负责全市市场综合监督管理，统一登记市场主体，组织市场监管综合执法。"
            "承担食品安全、药品医疗器械、特种设备安全监督管理和消费者权益保护工作。"
            "全面实行首问责任制，首问责任人对来访、来电、来信和网上咨询的事项负责到底。"
        ),
        keywords="市场监管 市场监督管理局",
        location="市行政中心3号楼",
        phone="0531-86012000",
        head="wangjianguo",
        contact_person="chenjing",
    ),
    DemoDepartment(
        code="BGS",
        name="办公室",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责机关日常运转，承担文电、会务、机要、档案、信息、保密和政务公开工作。"
            "统筹实施首问责任制，对职责不明确或涉及多个科室的事项进行协调，明确承办科室并跟踪督办。"
            "负责局长信箱、总值班电话和来信来访的登记、转办和反馈。"
        ),
        keywords="协调 督办 来信 来访 信访 局长信箱 政务公开 依申请公开 值班 职责不明确 跨科室",
        location="局机关办公楼3楼301室",
        phone="0531-86012001",
        head="chenjing",
        supervising_leader="liguoqiang",
        contact_person="zhoumin",
        is_office=True,
    ),
    DemoDepartment(
        code="ZCFGK",
        name="政策法规科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责起草市场监管规范性文件，开展合法性审查和公平竞争审查。"
            "承办行政复议、行政应诉和重大行政处罚案件的法制审核工作。"
            "组织开展普法宣传和行政执法监督。"
        ),
        keywords="行政复议 行政诉讼 应诉 法制审核 听证 规范性文件 公平竞争审查 普法 执法监督",
        location="局机关办公楼4楼405室",
        phone="0531-86012011",
        head="liuyang",
        supervising_leader="liguoqiang",
        contact_person="hejing",
    ),
    DemoDepartment(
        code="XZSPK",
        name="行政审批科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责市场监管领域行政许可事项的受理、审查和决定，在行政服务中心政务服务窗口集中办理。"
            "负责食品经营许可、药品经营许可、特种设备使用登记等事项的受理和一次性告知。"
            "推行“一窗受理、一次办好”，负责窗口咨询接待和办件进度查询。"
        ),
        keywords=(
            "行政许可 食品经营许可 许可证 药品经营许可 窗口 办件 进度查询 一次性告知 换证 延续"
        ),
        location="行政服务中心二楼A12",
        phone="0531-86012021",
        head="yangfan",
        supervising_leader="zhaohongmei",
        contact_person="zhangwei",
    ),
    DemoDepartment(
        code="ZHSLG",
        name="综合受理股",
        level=Level.SECTION,
        parent="XZSPK",
        duties=(
            "负责政务服务窗口的统一受理、材料初审、一次性告知和证照发放。"
            "负责窗口现场咨询和电话咨询的首问登记，对不属于本窗口的事项引导至承办科室。"
        ),
        keywords="受理 收件 材料 领证 发证 咨询 预约 排队",
        location="行政服务中心二楼A12",
        phone="0531-86012022",
        head="zhangwei",
        supervising_leader="zhaohongmei",
        contact_person="wangfang",
    ),
    DemoDepartment(
        code="XKSHG",
        name="许可审核股",
        level=Level.SECTION,
        parent="XZSPK",
        duties=(
            "负责行政许可申请材料的审查、现场核查安排和审批意见拟定。"
            "对材料不齐全或不符合法定形式的，出具一次性补正告知书。"
        ),
        keywords="审核 审查 现场核查 补正 不予许可",
        location="行政服务中心二楼A15",
        phone="0531-86012023",
        head="maqiang",
        supervising_leader="zhaohongmei",
        contact_person="maqiang",
    ),
    DemoDepartment(
        code="DJZCK",
        name="登记注册科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责各类市场主体的设立、变更、注销登记和备案工作，核发和管理营业执照。"
            "指导个体工商户和农民专业合作社登记。"
            "负责企业名称自主申报、经营范围规范表述和年度报告的咨询。"
        ),
        keywords="营业执照 登记 注册 设立 变更 注销 个体工商户 公司 企业名称 经营范围 备案 年报",
        location="行政服务中心二楼A08",
        phone="0531-86012031",
        head="huangli",
        supervising_leader="zhaohongmei",
        contact_person="xuming",
    ),
    DemoDepartment(
        code="SPAQK",
        name="食品安全监管科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责食品生产、流通和餐饮服务环节的监督检查，组织食品安全抽检和风险监测。"
            "负责食品安全事故的应急处置和调查处理。"
            "指导学校食堂、农村集体聚餐等重点领域的食品安全工作。"
        ),
        keywords="食品 餐饮 饭店 食堂 外卖 过期食品 食物中毒 抽检 小作坊 保健食品 添加剂",
        location="局机关办公楼5楼502室",
        phone="0531-86012041",
        head="zhoujun",
        supervising_leader="sunzhigang",
        contact_person="wuxiaoling",
    ),
    DemoDepartment(
        code="YPJGK",
        name="药品医疗器械监管科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责药品零售、医疗器械经营和使用环节的质量监督管理。"
            "负责化妆品经营使用环节的监督检查。"
            "组织药品不良反应和医疗器械不良事件监测，依法查处违法违规行为。"
        ),
        keywords="药品 药店 医疗器械 化妆品 不良反应 处方药 假药 劣药",
        location="局机关办公楼5楼508室",
        phone="0531-86012051",
        head="fengyan",
        supervising_leader="sunzhigang",
        contact_person="fengyan",
    ),
    DemoDepartment(
        code="XBK",
        name="消费者权益保护科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "承担12315投诉举报中心工作，负责消费者投诉、举报的受理、分送和督办。"
            "负责消费纠纷调解和消费维权宣传，对投诉举报办理情况进行回访和满意度调查。"
            "对涉及多个科室的投诉举报，报办公室协调明确承办科室。"
        ),
        keywords="投诉 举报 12315 消费纠纷 退货 退款 维权 假冒伪劣 虚假宣传 价格欺诈 预付卡",
        location="局机关办公楼1楼12315投诉举报中心",
        phone="12315；0531-86012315",
        head="linna",
        supervising_leader="zhaohongmei",
        contact_person="hanxue",
    ),
    DemoDepartment(
        code="TSJBG",
        name="投诉举报受理股",
        level=Level.SECTION,
        parent="XBK",
        duties=(
            "负责12315热线电话、网络平台和来信来访投诉举报的接听、登记和分送。"
            "能当场解答的咨询当场答复；需转办的投诉举报在一个工作日内分送承办科室，并跟踪反馈。"
        ),
        keywords="热线 来电 接听 登记 分送 回访",
        location="局机关办公楼1楼12315投诉举报中心",
        phone="0531-86012316",
        head="hanxue",
        supervising_leader="zhaohongmei",
        contact_person="songjie",
    ),
    DemoDepartment(
        code="TZSBK",
        name="特种设备安全监察科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责锅炉、压力容器、电梯、起重机械和场（厂）内专用机动车辆等特种设备的安全监察。"
            "负责特种设备使用登记、作业人员资格管理和事故调查处理。"
            "组织电梯困人等突发事件的应急处置。"
        ),
        keywords="电梯 电梯困人 锅炉 压力容器 气瓶 起重机 叉车 特种设备 作业人员证 定期检验",
        location="局机关办公楼6楼601室",
        phone="0531-86012061",
        head="dengchao",
        supervising_leader="sunzhigang",
        contact_person="tangpeng",
    ),
    DemoDepartment(
        code="RSK",
        name="人事科",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责机关和所属单位的机构编制、干部人事、教育培训和工资福利工作。"
            "负责工作人员平时考核和年度考核，"
            "落实首问责任制考核结果在评优评先、职级晋升中的运用。"
        ),
        keywords="人事 招聘 考核 年度考核 培训 工资 退休 编制 职级 评优",
        location="局机关办公楼3楼310室",
        phone="0531-86012071",
        head="xieping",
        supervising_leader="liguoqiang",
        contact_person="xieping",
    ),
    DemoDepartment(
        code="JGJW",
        name="机关纪委（效能监察室）",
        level=Level.DEPARTMENT,
        parent=UNIT_CODE,
        duties=(
            "负责机关党风廉政建设和作风效能建设的监督检查。"
            "受理对工作人员推诿扯皮、态度生硬、不作为慢作为等问题的投诉，"
            "调查核实后提出诫勉教育、效能告诫等处理意见。"
            "负责首问责任制执行情况的督查和通报。"
        ),
        keywords="效能 作风 推诿 不作为 慢作为 态度差 纪律 廉政 效能投诉 问责",
        location="局机关办公楼3楼315室",
        phone="0531-86012081",
        head="gaoyuan",
        supervising_leader="wangjianguo",
        contact_person="luoqian",
    ),
)

# The administrator comes first: seed_demo prints the logins in this order.
STAFF: tuple[DemoStaff, ...] = (
    DemoStaff(
        username=ADMIN_USERNAME,
        full_name="系统管理员",
        department="BGS",
        title="信息化管理员",
        duty="负责首问责任制系统的账号、角色和组织架构维护。",
        office_phone="0531-86012009",
        rank=Rank.STAFF_MEMBER,
        roles=("administrator",),
        is_staff=True,
    ),
    # 局领导
    DemoStaff(
        username="wangjianguo",
        full_name="王建国",
        department=UNIT_CODE,
        title="党组书记、局长",
        duty="主持局全面工作，分管机关纪委（效能监察室）。",
        office_phone="0531-86012100",
        rank=Rank.DIVISION_CHIEF,
        roles=("supervising_leader",),
    ),
    DemoStaff(
        username="liguoqiang",
        full_name="李国强",
        department=UNIT_CODE,
        title="党组成员、副局长",
        duty="分管办公室、政策法规科、人事科。",
        office_phone="0531-86012101",
        rank=Rank.DEPUTY_DIVISION_CHIEF,
        roles=("supervising_leader",),
    ),
    DemoStaff(
        username="zhaohongmei",
        full_name="赵红梅",
        department=UNIT_CODE,
        title="党组成员、副局长",
        duty="分管行政审批科、登记注册科、消费者权益保护科（12315投诉举报中心）。",
        office_phone="0531-86012102",
        rank=Rank.DEPUTY_DIVISION_CHIEF,
        roles=("supervising_leader",),
    ),
    DemoStaff(
        username="sunzhigang",
        full_name="孙志刚",
        department=UNIT_CODE,
        title="党组成员、副局长",
        duty="分管食品安全监管科、药品医疗器械监管科、特种设备安全监察科。",
        office_phone="0531-86012103",
        rank=Rank.DEPUTY_DIVISION_CHIEF,
        roles=("supervising_leader",),
    ),
    # 办公室
    DemoStaff(
        username="chenjing",
        full_name="陈静",
        department="BGS",
        title="办公室主任",
        duty="主持办公室工作，负责职责不明确和跨科室事项的协调，明确承办科室。",
        office_phone="0531-86012001",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head", "office_coordinator"),
    ),
    DemoStaff(
        username="zhoumin",
        full_name="周敏",
        department="BGS",
        title="科员",
        duty="负责总值班电话、局长信箱和来信来访的登记转办，跟踪协调事项的办理进度。",
        office_phone="0531-86012002",
        rank=Rank.STAFF_MEMBER,
        roles=("office_coordinator", "front_desk", "handler"),
    ),
    # 政策法规科
    DemoStaff(
        username="liuyang",
        full_name="刘洋",
        department="ZCFGK",
        title="科长",
        duty="主持政策法规科工作，负责重大行政处罚案件的法制审核。",
        office_phone="0531-86012011",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head",),
    ),
    DemoStaff(
        username="hejing",
        full_name="何婧",
        department="ZCFGK",
        title="科员",
        duty="负责行政复议和行政应诉案件的承办，以及普法宣传。",
        office_phone="0531-86012012",
        rank=Rank.STAFF_MEMBER,
        roles=("handler",),
    ),
    # 行政审批科
    DemoStaff(
        username="yangfan",
        full_name="杨帆",
        department="XZSPK",
        title="科长",
        duty="主持行政审批科工作，负责行政许可事项的审批决定和延期审批。",
        office_phone="0531-86012021",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head", "handler"),
    ),
    DemoStaff(
        username="zhangwei",
        full_name="张伟",
        department="ZHSLG",
        title="综合受理股股长",
        duty="负责窗口统一受理和一次性告知，安排窗口轮岗和首问登记。",
        office_phone="0531-86012022",
        rank=Rank.DEPUTY_SECTION_CHIEF,
        roles=("front_desk", "handler", "department_head"),
    ),
    DemoStaff(
        username="wangfang",
        full_name="王芳",
        department="ZHSLG",
        title="窗口受理员",
        duty="负责食品经营许可的收件、材料初审和证照发放。",
        office_phone="0531-86012024",
        rank=Rank.STAFF_MEMBER,
        roles=("front_desk", "handler"),
    ),
    DemoStaff(
        username="lixiaoyu",
        full_name="李晓雨",
        department="ZHSLG",
        title="窗口受理员",
        duty="负责窗口咨询接待、取号引导和办件进度查询。",
        office_phone="0531-86012025",
        rank=Rank.CLERK,
        roles=("front_desk",),
        employment_type=Employment.PROBATIONARY,
    ),
    DemoStaff(
        username="maqiang",
        full_name="马强",
        department="XKSHG",
        title="许可审核股股长",
        duty="负责行政许可申请材料的审查和现场核查安排，出具补正告知书。",
        office_phone="0531-86012023",
        rank=Rank.STAFF_MEMBER,
        roles=("handler", "department_head"),
    ),
    # 登记注册科
    DemoStaff(
        username="huangli",
        full_name="黄丽",
        department="DJZCK",
        title="科长",
        duty="主持登记注册科工作，负责市场主体登记的审核把关。",
        office_phone="0531-86012031",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head",),
    ),
    DemoStaff(
        username="xuming",
        full_name="徐明",
        department="DJZCK",
        title="科员",
        duty="负责营业执照的设立、变更和注销登记，以及企业名称和经营范围的咨询。",
        office_phone="0531-86012032",
        rank=Rank.STAFF_MEMBER,
        roles=("front_desk", "handler"),
    ),
    # 食品安全监管科
    DemoStaff(
        username="zhoujun",
        full_name="周军",
        department="SPAQK",
        title="科长",
        duty="主持食品安全监管科工作，负责食品安全事故的应急处置。",
        office_phone="0531-86012041",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head",),
        availability=Availability.BUSINESS_TRIP,
        away_from_days=-2,
        away_until_days=3,
        delegate="wuxiaoling",
    ),
    DemoStaff(
        username="wuxiaoling",
        full_name="吴晓玲",
        department="SPAQK",
        title="副科长",
        duty="负责餐饮服务和学校食堂的监督检查，科长外出时代理科内转办事项。",
        office_phone="0531-86012042",
        rank=Rank.DEPUTY_SECTION_CHIEF,
        roles=("handler",),
    ),
    DemoStaff(
        username="guoxiaofeng",
        full_name="郭晓峰",
        department="SPAQK",
        title="科员",
        duty="负责食品生产、流通环节的监督检查和食品安全抽检。",
        office_phone="0531-86012043",
        rank=Rank.STAFF_MEMBER,
        roles=("handler",),
    ),
    # 药品医疗器械监管科
    DemoStaff(
        username="fengyan",
        full_name="冯艳",
        department="YPJGK",
        title="科长",
        duty="主持药品医疗器械监管科工作，负责药品零售和医疗器械经营的监督检查。",
        office_phone="0531-86012051",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head", "handler"),
    ),
    DemoStaff(
        username="caolei",
        full_name="曹磊",
        department="YPJGK",
        title="科员",
        duty="负责化妆品经营使用环节的检查和不良反应监测。",
        office_phone="0531-86012052",
        rank=Rank.STAFF_MEMBER,
        roles=("handler",),
        # On sick leave with no delegate set: what is referred to him waits, and the first
        # responder and his head are told (the demo has one such referral).
        availability=Availability.ABSENT,
        away_from_days=-1,
        away_until_days=2,
    ),
    # 消费者权益保护科（12315投诉举报中心）
    DemoStaff(
        username="linna",
        full_name="林娜",
        department="XBK",
        title="科长",
        duty="主持消费者权益保护科工作，负责投诉举报的督办和回访满意度调查。",
        office_phone="0531-86012315",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head",),
    ),
    DemoStaff(
        username="hanxue",
        full_name="韩雪",
        department="TSJBG",
        title="投诉举报受理股股长",
        duty="负责12315投诉举报的登记分送和跟踪反馈，调解消费纠纷。",
        office_phone="0531-86012316",
        rank=Rank.STAFF_MEMBER,
        roles=("front_desk", "handler", "department_head"),
    ),
    DemoStaff(
        username="songjie",
        full_name="宋杰",
        department="TSJBG",
        title="热线接线员",
        duty="负责12315热线电话的接听和登记，当场解答消费咨询。",
        office_phone="0531-86012317",
        rank=Rank.CLERK,
        roles=("front_desk",),
        employment_type=Employment.CONTRACT,
    ),
    # 特种设备安全监察科
    DemoStaff(
        username="dengchao",
        full_name="邓超",
        department="TZSBK",
        title="科长",
        duty="主持特种设备安全监察科工作，负责特种设备事故的调查处理。",
        office_phone="0531-86012061",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head",),
    ),
    DemoStaff(
        username="tangpeng",
        full_name="唐鹏",
        department="TZSBK",
        title="安全监察员",
        duty="负责电梯、锅炉和压力容器的安全监察，以及电梯困人应急处置的联络。",
        office_phone="0531-86012062",
        rank=Rank.STAFF_MEMBER,
        roles=("handler",),
        employment_type=Employment.SECONDED,
    ),
    # 人事科
    DemoStaff(
        username="xieping",
        full_name="谢萍",
        department="RSK",
        title="科长",
        duty="主持人事科工作，负责工作人员年度考核和首问责任制考核结果的运用。",
        office_phone="0531-86012071",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head", "discipline"),
    ),
    # 机关纪委（效能监察室）
    DemoStaff(
        username="gaoyuan",
        full_name="高远",
        department="JGJW",
        title="机关纪委书记、效能监察室主任",
        duty="负责作风效能投诉的调查核实，提出诫勉教育、效能告诫等处理意见。",
        office_phone="0531-86012081",
        rank=Rank.SECTION_CHIEF,
        roles=("department_head", "discipline"),
    ),
    DemoStaff(
        username="luoqian",
        full_name="罗倩",
        department="JGJW",
        title="效能监察员",
        duty="负责首问责任制执行情况的督查、暗访和通报材料的起草。",
        office_phone="0531-86012082",
        rank=Rank.STAFF_MEMBER,
        roles=("discipline",),
    ),
)


# --- The service catalog (事项目录) -----------------------------------------------------------
# Matters are keyed by `code` and their materials by name within the matter, so seed_demo can
# run again. Time limits are working days; the promise is shorter than the law allows.


@dataclass(frozen=True)
class DemoMaterial:
    name: str
    specification: str
    is_required: bool = True


@dataclass(frozen=True)
class DemoMatter:
    code: str
    name: str
    department: str  # the handling department's code
    keywords: str
    legal_basis: str
    conditions: str
    procedure: str
    promised_days: int
    legal_days: int
    materials: tuple[DemoMaterial, ...]


_AGENT = DemoMaterial(
    "委托书及代理人身份证件", "委托他人办理时提供：委托书原件1份，代理人身份证件复印件1份", False
)
_LICENCE_PROCEDURE = (
    "申请人提交申请材料；窗口当场核对，材料齐全、符合法定形式的予以受理，"
    "不齐全的一次性告知需要补正的全部内容；审核人员审查材料，必要时现场核查；"
    "作出准予或不予许可的决定；准予许可的发放证件，可窗口领取或邮寄送达。"
)
_REGISTRATION_PROCEDURE = (
    "申请人通过窗口或山东省政务服务网“企业开办”专区提交申请；登记机关进行形式审查，"
    "材料齐全、符合法定形式的当场登记；不能当场登记的，在承诺时限内登记并发放营业执照。"
)

_SPECIAL_EQUIPMENT_BASIS = (
    "《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》（TSG 08）"
)

MATTERS: tuple[DemoMatter, ...] = (
    DemoMatter(
        code="XK-SPJY-001",
        name="食品经营许可证核发",
        department="XZSPK",
        keywords="食品经营许可 开饭店 餐饮 超市 便利店 办证 新办",
        legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        conditions=(
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；"
            "具有相应的设备设施；有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；"
            "具有合理的设备布局和工艺流程。"
        ),
        procedure=_LICENCE_PROCEDURE,
        promised_days=5,
        legal_days=10,
        materials=(
            DemoMaterial("食品经营许可申请书", "原件1份，申请人签字或盖章"),
            DemoMaterial("营业执照或其他主体资格证明文件", "复印件1份，核对原件"),
            DemoMaterial("法定代表人（负责人）身份证件", "复印件1份，核对原件"),
            DemoMaterial("经营场所平面图和设备布局、操作流程图", "原件1份，标明各功能区面积"),
            DemoMaterial(
                "食品安全管理制度目录",
                "原件1份，含从业人员健康管理、进货查验记录、食品安全自查等制度",
            ),
            _AGENT,
        ),
    ),
    DemoMatter(
        code="XK-SPJY-002",
        name="食品经营许可证变更",
        department="XZSPK",
        keywords="食品经营许可 变更 经营项目 负责人 换证",
        legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        conditions="食品经营许可证载明的许可事项发生变化的，应当在变化后10个工作日内申请变更。",
        procedure=_LICENCE_PROCEDURE,
        promised_days=3,
        legal_days=10,
        materials=(
            DemoMaterial("食品经营许可变更申请书", "原件1份"),
            DemoMaterial("食品经营许可证正、副本", "原件"),
            DemoMaterial("与变更事项有关的证明材料", "如变更后的经营场所平面图，原件1份"),
            DemoMaterial("法定代表人（负责人）身份证件", "复印件1份，核对原件"),
        ),
    ),
    DemoMatter(
        code="XK-SPJY-003",
        name="食品经营许可证延续",
        department="XZSPK",
        keywords="食品经营许可 延续 到期 续证",
        legal_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        conditions="食品经营许可证有效期届满需要继续经营的，应当在有效期届满前提出延续申请。",
        procedure=_LICENCE_PROCEDURE,
        promised_days=5,
        legal_days=10,
        materials=(
            DemoMaterial("食品经营许可延续申请书", "原件1份"),
            DemoMaterial("食品经营许可证正、副本", "原件"),
            DemoMaterial("食品安全自查报告", "原件1份，近一年内"),
        ),
    ),
    DemoMatter(
        code="XK-YPJY-001",
        name="药品经营许可证（零售）核发",
        department="XZSPK",
        keywords="药店 药品零售 药品经营许可 开药店",
        legal_basis="《中华人民共和国药品管理法》第五十一条、第五十二条；"
        "《药品经营和使用质量监督管理办法》",
        conditions=(
            "有依法经过资格认定的药师或者其他药学技术人员；有与所经营药品相适应的营业场所、"
            "设备、仓储设施和卫生环境；有与所经营药品相适应的质量管理机构或者人员；"
            "有保证药品质量的规章制度。"
        ),
        procedure=_LICENCE_PROCEDURE,
        promised_days=10,
        legal_days=20,
        materials=(
            DemoMaterial("药品经营许可证申请表", "原件1份"),
            DemoMaterial("执业药师注册证及身份证件", "复印件各1份，核对原件"),
            DemoMaterial("营业场所、仓库的使用权证明及平面布局图", "复印件1份"),
            DemoMaterial("质量管理文件及主要设施设备目录", "原件1份"),
            DemoMaterial("营业执照", "复印件1份，核对原件"),
        ),
    ),
    DemoMatter(
        code="XK-YLQX-001",
        name="第三类医疗器械经营许可证核发",
        department="XZSPK",
        keywords="医疗器械 三类 经营许可 器械公司",
        legal_basis="《医疗器械监督管理条例》第四十二条；《医疗器械经营监督管理办法》",
        conditions=(
            "有与经营规模和经营范围相适应的经营场所和贮存条件；"
            "有与经营的医疗器械相适应的质量管理制度和质量管理机构或者人员。"
        ),
        procedure=_LICENCE_PROCEDURE,
        promised_days=10,
        legal_days=20,
        materials=(
            DemoMaterial("医疗器械经营许可申请表", "原件1份"),
            DemoMaterial(
                "法定代表人、企业负责人、质量负责人的身份证明、学历或职称证明",
                "复印件各1份",
            ),
            DemoMaterial("经营场所、库房的地理位置图、平面图及产权或租赁证明", "复印件1份"),
            DemoMaterial("经营质量管理制度、工作程序等文件目录", "原件1份"),
            DemoMaterial("计算机信息管理系统基本情况介绍", "原件1份"),
            _AGENT,
        ),
    ),
    DemoMatter(
        code="DJ-GTHSL-001",
        name="个体工商户设立登记",
        department="DJZCK",
        keywords="个体户 个体工商户 营业执照 开店 设立 小店",
        legal_basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第十九条",
        conditions="有经营能力的自然人，有固定的经营场所，经营范围不属于法律、行政法规禁止的。",
        procedure=_REGISTRATION_PROCEDURE,
        promised_days=1,
        legal_days=3,
        materials=(
            DemoMaterial("个体工商户登记（备案）申请书", "原件1份，经营者签字"),
            DemoMaterial("经营者身份证件", "核对原件，留存复印件1份"),
            DemoMaterial("经营场所使用相关文件", "租赁合同或房屋产权证明，复印件1份"),
            _AGENT,
        ),
    ),
    DemoMatter(
        code="DJ-GSSL-001",
        name="有限责任公司设立登记",
        department="DJZCK",
        keywords="公司注册 开公司 设立 有限公司 企业开办",
        legal_basis="《中华人民共和国公司法》第二十九条；"
        "《中华人民共和国市场主体登记管理条例》第十九条",
        conditions="股东符合法定人数，有符合公司章程规定的出资，有公司名称和住所，"
        "依法制定公司章程。",
        procedure=_REGISTRATION_PROCEDURE,
        promised_days=1,
        legal_days=3,
        materials=(
            DemoMaterial("公司登记（备案）申请书", "原件1份"),
            DemoMaterial("公司章程", "原件1份，全体股东签字或盖章"),
            DemoMaterial("股东的主体资格证明或自然人身份证件", "复印件1份"),
            DemoMaterial("法定代表人、董事、监事和高级管理人员的任职文件及身份证件", "复印件各1份"),
            DemoMaterial("住所使用相关文件", "租赁合同或房屋产权证明，复印件1份"),
        ),
    ),
    DemoMatter(
        code="DJ-BGDJ-001",
        name="营业执照变更登记",
        department="DJZCK",
        keywords="变更 营业执照 法定代表人 地址 经营范围 名称变更",
        legal_basis="《中华人民共和国市场主体登记管理条例》第二十四条",
        conditions="登记事项发生变更的，应当自作出变更决议、决定或者法定变更事项发生之日起"
        "30日内申请变更登记。",
        procedure=_REGISTRATION_PROCEDURE,
        promised_days=1,
        legal_days=3,
        materials=(
            DemoMaterial("变更登记申请书", "原件1份"),
            DemoMaterial("变更决议或决定", "原件1份，股东会决议或股东决定"),
            DemoMaterial("章程修正案或修改后的章程", "原件1份，涉及章程修改时提供"),
            DemoMaterial("营业执照正、副本", "原件"),
        ),
    ),
    DemoMatter(
        code="DJ-ZXDJ-001",
        name="企业注销登记",
        department="DJZCK",
        keywords="注销 关闭公司 清算 简易注销",
        legal_basis="《中华人民共和国市场主体登记管理条例》第三十一条、第三十二条",
        conditions="企业解散、被宣告破产或者有其他法定事由需要终止的，依法清算完毕后申请注销登记。",
        procedure=_REGISTRATION_PROCEDURE,
        promised_days=2,
        legal_days=3,
        materials=(
            DemoMaterial("注销登记申请书", "原件1份"),
            DemoMaterial("清算报告或债务清偿完毕的承诺书", "原件1份"),
            DemoMaterial("清税证明", "原件1份，税务机关出具"),
            DemoMaterial("营业执照正、副本", "原件"),
        ),
    ),
    DemoMatter(
        code="DJ-GTHZX-001",
        name="个体工商户注销登记",
        department="DJZCK",
        keywords="个体户 注销 不干了 关店",
        legal_basis="《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第三十一条",
        conditions="个体工商户终止经营的，应当申请注销登记。",
        procedure=_REGISTRATION_PROCEDURE,
        promised_days=1,
        legal_days=3,
        materials=(
            DemoMaterial("个体工商户注销登记申请书", "原件1份，经营者签字"),
            DemoMaterial("经营者身份证件", "核对原件"),
            DemoMaterial("营业执照正、副本", "原件，遗失的提交遗失声明"),
        ),
    ),
    DemoMatter(
        code="SP-XZF-001",
        name="食品小作坊登记证核发",
        department="SPAQK",
        keywords="小作坊 食品加工 煎饼 豆腐 馒头 登记证",
        legal_basis="《中华人民共和国食品安全法》第三十六条；"
        "《山东省食品小作坊小餐饮和食品摊点管理条例》",
        conditions="有固定的生产加工场所，场所卫生、布局符合要求；"
        "从业人员取得健康证明；生产加工的食品不属于禁止生产加工的品种。",
        procedure="申请人向所在地食品安全监管科提出申请；材料齐全的受理并安排现场核查；"
        "符合条件的发放食品小作坊登记证。",
        promised_days=7,
        legal_days=15,
        materials=(
            DemoMaterial("食品小作坊登记申请书", "原件1份"),
            DemoMaterial("营业执照", "复印件1份"),
            DemoMaterial("生产场所平面图及周边环境说明", "原件1份"),
            DemoMaterial("从业人员健康证明", "复印件，每名从业人员1份"),
            DemoMaterial("生产工艺流程及主要设备清单", "原件1份"),
        ),
    ),
    DemoMatter(
        code="SP-XCY-001",
        name="小餐饮登记证核发",
        department="SPAQK",
        keywords="小餐饮 小吃店 快餐 早餐店 登记证",
        legal_basis="《中华人民共和国食品安全法》第三十六条；"
        "《山东省食品小作坊小餐饮和食品摊点管理条例》",
        conditions="经营场所面积较小、从业人员较少，有符合要求的加工制作场所和设施；"
        "从业人员取得健康证明。",
        procedure="申请人提出申请；材料齐全的受理，必要时现场核查；符合条件的发放小餐饮登记证。",
        promised_days=5,
        legal_days=10,
        materials=(
            DemoMaterial("小餐饮登记申请表", "原件1份"),
            DemoMaterial("营业执照", "复印件1份"),
            DemoMaterial("经营场所平面布局图", "原件1份"),
            DemoMaterial("从业人员健康证明", "复印件，每名从业人员1份"),
            DemoMaterial("食品安全承诺书", "原件1份，经营者签字"),
        ),
    ),
    DemoMatter(
        code="YP-YLQXBA-001",
        name="第二类医疗器械经营备案",
        department="YPJGK",
        keywords="二类 医疗器械 备案 血压计 血糖仪 助听器",
        legal_basis="《医疗器械监督管理条例》第四十一条；《医疗器械经营监督管理办法》",
        conditions="有与经营规模和经营范围相适应的经营场所和贮存条件，"
        "有相应的质量管理制度和质量管理人员。",
        procedure="企业提交备案资料；资料齐全、符合形式要求的当场备案并发放备案凭证；"
        "备案后按规定组织现场检查。",
        promised_days=1,
        legal_days=5,
        materials=(
            DemoMaterial("第二类医疗器械经营备案表", "原件1份"),
            DemoMaterial("营业执照", "复印件1份"),
            DemoMaterial(
                "法定代表人、企业负责人、质量负责人身份证明及学历或职称证明", "复印件各1份"
            ),
            DemoMaterial("经营场所、库房地址的平面图及产权或租赁证明", "复印件1份"),
            DemoMaterial("经营质量管理制度、工作程序等文件目录", "原件1份"),
        ),
    ),
    DemoMatter(
        code="YP-WLXS-001",
        name="医疗器械网络销售备案",
        department="YPJGK",
        keywords="网店 网络销售 医疗器械 电商 备案",
        legal_basis="《医疗器械监督管理条例》第四十六条；《医疗器械网络销售监督管理办法》",
        conditions="已取得医疗器械经营许可或办理经营备案，通过自建网站或电子商务平台销售医疗器械。",
        procedure="企业提交网络销售备案信息表；资料齐全的当场备案并在网站公示。",
        promised_days=1,
        legal_days=5,
        materials=(
            DemoMaterial("医疗器械网络销售备案信息表", "原件1份"),
            DemoMaterial("医疗器械经营许可证或备案凭证", "复印件1份"),
            DemoMaterial("网店或自建网站的网址及页面截图", "原件1份"),
        ),
    ),
    DemoMatter(
        code="TS-SYDJ-001",
        name="特种设备使用登记",
        department="TZSBK",
        keywords="特种设备 使用登记 电梯 锅炉 压力容器 叉车 登记证",
        legal_basis=_SPECIAL_EQUIPMENT_BASIS,
        conditions="特种设备已经监督检验或定期检验合格，"
        "使用单位在投入使用前或者投入使用后30日内办理使用登记。",
        procedure="使用单位提交使用登记表和有关材料；登记机关审查，"
        "材料齐全、符合要求的发放《特种设备使用登记证》。",
        promised_days=5,
        legal_days=15,
        materials=(
            DemoMaterial("特种设备使用登记表", "一式两份，使用单位盖章"),
            DemoMaterial("使用单位统一社会信用代码证明或个人身份证明", "复印件1份"),
            DemoMaterial("特种设备产品合格证（含产品数据表）", "复印件1份"),
            DemoMaterial("特种设备监督检验证明", "安装监督检验报告复印件1份"),
            DemoMaterial("电梯维护保养合同", "电梯办理时提供，复印件1份", False),
        ),
    ),
    DemoMatter(
        code="TS-BGDJ-001",
        name="特种设备使用登记变更",
        department="TZSBK",
        keywords="特种设备 变更 过户 移装 停用 注销",
        legal_basis=_SPECIAL_EQUIPMENT_BASIS,
        conditions="使用单位、使用地点、设备状态等发生变化的，按规定办理变更登记。",
        procedure="使用单位提交变更申请和证明材料；登记机关审查后在使用登记证上办理变更。",
        promised_days=5,
        legal_days=15,
        materials=(
            DemoMaterial("特种设备使用登记证", "原件"),
            DemoMaterial("特种设备使用登记表（变更）", "一式两份"),
            DemoMaterial("变更情况说明及证明材料", "原件1份"),
            DemoMaterial("有效期内的定期检验报告", "复印件1份"),
        ),
    ),
    DemoMatter(
        code="TS-GZ-001",
        name="特种设备安装改造修理告知",
        department="TZSBK",
        keywords="安装告知 改造 修理 施工告知 电梯安装",
        legal_basis="《中华人民共和国特种设备安全法》第二十三条",
        conditions="施工单位应当在施工前将拟进行的特种设备安装、改造、修理情况书面告知。",
        procedure="施工单位提交告知书；特种设备安全监察科当场接收并登记，施工后接受监督检验。",
        promised_days=1,
        legal_days=5,
        materials=(
            DemoMaterial("特种设备安装改造修理告知书", "一式两份"),
            DemoMaterial("施工单位资质证书", "复印件1份"),
            DemoMaterial("施工人员特种设备作业人员证", "复印件，每人1份"),
        ),
    ),
    DemoMatter(
        code="BG-XXGK-001",
        name="政府信息公开申请",
        department="BGS",
        keywords="政府信息公开 依申请公开 信息公开",
        legal_basis="《中华人民共和国政府信息公开条例》第二十九条、第三十三条",
        conditions="公民、法人或者其他组织向本机关申请获取本机关制作或者保存的政府信息。",
        procedure="申请人提交申请；能够当场答复的当场答复，不能当场答复的在承诺时限内书面答复。",
        promised_days=10,
        legal_days=20,
        materials=(
            DemoMaterial("政府信息公开申请表", "原件1份"),
            DemoMaterial("申请人身份证明", "公民提交身份证件复印件，法人提交统一社会信用代码证明"),
            _AGENT,
        ),
    ),
)
