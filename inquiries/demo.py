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
        availability=Availability.ABSENT,
        away_from_days=0,
        away_until_days=2,
        delegate="fengyan",
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
