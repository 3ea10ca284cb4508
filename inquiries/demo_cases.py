"""About 200 demo cases for the demo bureau, made through `inquiries.services`.

Every case is registered and moved on by the service functions a desk would call, each call
run at a realistic moment of the last ~90 days (time-machine moves the clock), so numbers,
deadlines, timelines and audit rows look as they would in an office. The result covers every
status, channel and kind: cases answered on the spot, pointed to another department, referred,
coordinated by the office, waiting for materials after a one-time notice (one with a flagged
second notice), replied, closed with feedback, reopened, some overdue, some with a service
taboo phrase flagged.

Referrals (转办) come in every target and state: to a colleague, to another department's queue
(accepted there by a handler, or assigned by the head; some returned with the reason and basis
and sent on to the right department), to the office, which names a lead department and a
contributing one, to the supervising leader for instructions, and to people who are away (one
with a delegate, who gets it; one without, so it waits). Some wait past their acceptance day;
a coordinating case the requester withdrew has its office referral withdrawn.

Notifications are made by the services as a side effect. The demo's are marked as emailed
when they were made (and the older ones as read), so the emails the services queue for after
the commit find nothing to send: seeding sends no email and prints none, whatever the email
backend.

Which cases are the demo's: their creation row in the case history carries the change reason
`demo.SEED_CHANGE_REASON`. No desk writes that reason, so `demo_cases_present()` tells whether
the demo cases were made already, and seed_demo never makes them twice.

The texts are sample content (what an office would type in), so they are not translated.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inquiries import demo
from inquiries.models import (
    Channel,
    Department,
    FeedbackMethod,
    Inquiry,
    Kind,
    Notification,
    Path,
    Referral,
    ServiceMatter,
    User,
)
from inquiries.services import (
    Requester,
    inquiry_add_note,
    inquiry_close,
    inquiry_decide_path,
    inquiry_materials_complete,
    inquiry_record_disclosure,
    inquiry_register,
    inquiry_reopen,
    inquiry_reply,
    inquiry_start_handling,
    notice_issue,
)
from inquiries.services.referrals import (
    office_coordinate,
    referral_accept,
    referral_create,
    referral_return,
)
from inquiries.workdays import WorkCalendar, work_calendar

# Deterministic: the same run gives the same cases (dates move with the day it runs).
RANDOM_SEED = 2026
# How far back the demo cases reach, in calendar days.
SPAN_DAYS = 90

# Office hours: a desk registers and answers between these (minutes after midnight).
_MORNING = (8 * 60 + 40, 11 * 60 + 50)
_AFTERNOON = (13 * 60 + 40, 17 * 60 + 20)


def demo_cases_present() -> bool:
    return Inquiry.history.filter(
        history_type="+", history_change_reason=demo.SEED_CHANGE_REASON
    ).exists()


def demo_case_count() -> int:
    return (
        Inquiry.history.filter(history_type="+", history_change_reason=demo.SEED_CHANGE_REASON)
        .values("id")
        .distinct()
        .count()
    )


# --- What requesters raise -------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    kind: str
    department: str  # the code of the department whose duty it is
    subject: str
    content: str  # may use {street}, {community}, {district}
    answer: str  # the answer or result; for an on-the-spot case, what was said
    told: str = ""  # how it will be handled, said once when it cannot be done on the spot


CONSULTATIONS = (
    Topic(
        Kind.CONSULTATION,
        "DJZCK",
        "咨询个体工商户营业执照办理材料",
        "来电人准备在{street}租门面开一家早餐店，咨询办理个体工商户营业执照需要哪些材料、"
        "能否网上办理、多长时间能拿到执照。",
        "已告知：携带经营者身份证件和经营场所租赁合同到行政服务中心二楼A08窗口办理，"
        "也可通过山东省政务服务网“企业开办”专区网上申请；材料齐全的当场登记。",
    ),
    Topic(
        Kind.CONSULTATION,
        "DJZCK",
        "咨询公司变更法定代表人流程",
        "来访人称公司法定代表人需要变更，询问需要准备哪些材料、新旧法定代表人是否都要到场。",
        "已一次性告知变更登记所需材料：变更登记申请书、股东会决议、新任法定代表人身份证件"
        "及任职文件、营业执照正副本；实名认证后可全程网办，无需到场。",
    ),
    Topic(
        Kind.CONSULTATION,
        "DJZCK",
        "咨询企业年度报告报送时间",
        "来电人询问公司年报什么时候报、逾期未报有什么后果。",
        "已答复：每年1月1日至6月30日通过国家企业信用信息公示系统报送上一年度年度报告；"
        "逾期未报将被列入经营异常名录，补报后可申请移出。",
    ),
    Topic(
        Kind.CONSULTATION,
        "DJZCK",
        "咨询企业名称自主申报规则",
        "来访人准备注册公司，询问企业名称中能否使用“山东”“泉城”等字样，名称被驳回怎么办。",
        "已说明名称自主申报规则和禁限用字词要求，指导其在企业名称自主申报系统查询比对后提交。",
    ),
    Topic(
        Kind.CONSULTATION,
        "XZSPK",
        "咨询食品经营许可证办理流程",
        "来访人计划在{community}附近开一家奶茶店，咨询食品经营许可证怎么办理、"
        "是否需要现场核查、多久能办下来。",
        "已告知办理条件、所需材料和流程，发放了食品经营许可办事指南；"
        "材料齐全的当场受理，承诺5个工作日内作出决定。",
    ),
    Topic(
        Kind.CONSULTATION,
        "XZSPK",
        "咨询仅销售预包装食品是否需要办证",
        "来电人在{street}经营便利店，只卖包装好的零食饮料，询问是否还要办理食品经营许可证。",
        "已答复：仅销售预包装食品的不需要取得许可，但应当办理备案，"
        "可在窗口或网上提交备案信息，当场办结。",
    ),
    Topic(
        Kind.CONSULTATION,
        "XZSPK",
        "查询食品经营许可办理进度",
        "来电人称上周在行政服务中心窗口提交了食品经营许可申请，询问目前办理进度。",
        "已查询办件系统：申请已受理，正在审核，预计2个工作日内作出决定，届时短信通知领证。",
    ),
    Topic(
        Kind.CONSULTATION,
        "YPJGK",
        "咨询开办零售药店的条件",
        "来访人想在{community}开一家社区药店，咨询需要配备几名执业药师、营业面积有什么要求。",
        "已告知药品零售企业开办条件：配备依法经过资格认定的药师，具备与经营品种相适应的"
        "营业场所、设备、仓储设施和质量管理制度，并发放办事指南。",
    ),
    Topic(
        Kind.CONSULTATION,
        "YPJGK",
        "咨询销售血压计是否需要备案",
        "来电人是一家医疗器械公司的工作人员，询问销售血压计、血糖仪是否需要备案，备案要哪些资料。",
        "已答复：血压计、血糖仪属于第二类医疗器械，经营前应当办理第二类医疗器械经营备案，"
        "资料齐全的当场备案；已告知备案资料清单。",
    ),
    Topic(
        Kind.CONSULTATION,
        "TZSBK",
        "咨询小区电梯定期检验周期",
        "来电人是{community}业主委员会成员，询问小区电梯多久检验一次、检验合格标志应贴在哪里。",
        "已答复：电梯定期检验周期一般为1年，检验合格后使用标志应置于轿厢内显著位置，"
        "乘梯时可查看下次检验日期。",
    ),
    Topic(
        Kind.CONSULTATION,
        "TZSBK",
        "咨询叉车是否需要办理使用登记",
        "来电人所在物流公司新购两台叉车，询问是否需要办理使用登记、司机要不要持证。",
        "已答复：叉车属于场（厂）内专用机动车辆，应当在投入使用前或投入使用后30日内办理"
        "使用登记，司机应持特种设备作业人员证上岗。",
    ),
    Topic(
        Kind.CONSULTATION,
        "XBK",
        "咨询预付卡消费纠纷如何维权",
        "来电人在{street}一家美发店办了预付卡，听说商家要关门，询问应当如何维权。",
        "已告知：保存好预付卡、付款凭证和聊天记录，先与商家协商；"
        "协商不成可通过全国12315平台投诉，必要时向人民法院起诉。",
    ),
    Topic(
        Kind.CONSULTATION,
        "XBK",
        "咨询网购七日无理由退货规定",
        "来电人在网店购买的外套不合身，商家以“特价商品”为由拒绝退货，询问是否合理。",
        "已答复：除法律规定的例外商品外，网购商品自收到之日起七日内可无理由退货，"
        "特价不是拒绝退货的理由；可先与商家和平台协商，协商不成可投诉。",
    ),
    Topic(
        Kind.CONSULTATION,
        "SPAQK",
        "咨询小餐饮登记证办理条件",
        "来访人在{street}经营一家面积约30平方米的小吃店，询问是否可以办理小餐饮登记证。",
        "已告知小餐饮登记条件和所需材料，发放了登记申请表，提醒从业人员先办理健康证明。",
    ),
    Topic(
        Kind.CONSULTATION,
        "ZCFGK",
        "咨询对行政处罚决定不服如何救济",
        "来电人称其店铺被处以罚款，对处罚决定有异议，询问如何申请行政复议。",
        "已告知：可自知道处罚决定之日起60日内申请行政复议，或6个月内提起行政诉讼；"
        "已说明复议申请的受理机关和提交方式。",
    ),
)

SERVICE_CONTENTS = (
    "申请人到窗口申请办理{matter}，经营地址为{district}{street}{number}号。",
    "申请人通过山东省政务服务网提交{matter}申请，并到窗口核验原件。",
    "申请人委托代理人到窗口申请办理{matter}，地址为{district}{street}{number}号。",
)
SERVICE_ANSWER = (
    "经审核，申请材料齐全、符合法定形式，已准予办理，证照已制作完成，"
    "申请人可到窗口领取或选择邮寄送达。"
)

COMPLAINTS = (
    Topic(
        Kind.COMPLAINT,
        "XBK",
        "投诉健身房闭店后预付卡余额无法退还",
        "投诉人称去年在{street}一家健身房办理年卡，消费2800元，近日该健身房突然闭店，"
        "剩余约1900元无法退还，联系负责人不接电话。",
        "经调解，商家同意分两期退还剩余卡费1900元，首期已到账，投诉人表示认可。",
        "已受理，将联系经营者核实并组织调解，15个工作日内答复。",
    ),
    Topic(
        Kind.COMPLAINT,
        "XBK",
        "投诉美容院诱导办卡后服务缩水",
        "投诉人称在{street}一家美容院被店员反复推销办理了5000元会员卡，"
        "之后预约困难、项目被替换，要求退还剩余费用。",
        "经调解，美容院按剩余次数折算退还3200元，双方签订调解协议。",
        "已受理，将约谈经营者并组织调解。",
    ),
    Topic(
        Kind.COMPLAINT,
        "XBK",
        "投诉培训机构拒不退还课时费",
        "投诉人为孩子在{district}一家培训机构预交一年课时费，上课两个月后机构更换校区，"
        "路程太远要求退费被拒。",
        "经调解，培训机构同意扣除已上课时费用后退还剩余费用6800元。",
        "已受理，将调取合同和缴费记录，组织双方调解。",
    ),
    Topic(
        Kind.COMPLAINT,
        "XBK",
        "投诉装修公司擅自增项加价",
        "投诉人称与装修公司签订全包合同后，施工中对方以材料涨价为由多次增项，"
        "总价比合同多出1.2万元。",
        "经调解，装修公司撤销未经确认的增项费用，按合同约定价格结算。",
        "已受理，将核查合同约定和增项确认记录。",
    ),
    Topic(
        Kind.COMPLAINT,
        "XBK",
        "投诉停车场收费标准未明码标价",
        "投诉人称{street}一处停车场入口未公示收费标准，停车两小时被收取30元。",
        "经现场检查，停车场未按规定明码标价，已责令改正，并退还投诉人多收费用。",
        "已受理，将安排执法人员现场检查。",
    ),
    Topic(
        Kind.COMPLAINT,
        "TZSBK",
        "投诉小区电梯频繁故障困人",
        "投诉人称{community}3号楼电梯本月已发生两次困人，物业维修不及时，存在安全隐患，"
        "请求督促整改。",
        "已会同维保单位现场检查，责令物业服务企业和维保单位更换老化门锁装置并加强维护保养，"
        "复查电梯运行正常。",
        "已受理，将安排安全监察员现场检查，15个工作日内答复。",
    ),
    Topic(
        Kind.COMPLAINT,
        "TZSBK",
        "投诉商场自动扶梯运行中突然急停",
        "投诉人称在{street}一家商场乘坐自动扶梯时扶梯突然急停，家中老人摔倒擦伤。",
        "经检查，扶梯梯级链保护装置误动作，已责令使用单位停梯检修并复检合格后恢复运行；"
        "使用单位已承担就医费用。",
        "已受理，将现场检查扶梯并调取监控。",
    ),
    Topic(
        Kind.COMPLAINT,
        "SPAQK",
        "投诉外卖餐品中吃出异物",
        "投诉人通过外卖平台在{street}一家快餐店点餐，餐品中发现金属丝，要求商家赔偿并查处。",
        "已对该店开展现场检查，后厨清洁工具管理不规范，已责令整改；"
        "经调解商家退还餐费并赔偿1000元。",
        "已受理，将对该店开展现场检查并组织调解。",
    ),
    Topic(
        Kind.COMPLAINT,
        "SPAQK",
        "投诉超市销售过期酸奶",
        "投诉人在{street}一家超市购买的酸奶已过保质期3天，要求按照食品安全法赔偿。",
        "经核查属实，已对超市立案调查；经调解，超市按规定赔偿投诉人1000元。",
        "已受理，将现场核查并调取进货查验记录。",
    ),
    Topic(
        Kind.COMPLAINT,
        "SPAQK",
        "投诉学校食堂饭菜分量少、价格高",
        "投诉人是{district}某中学学生家长，反映学校食堂饭菜分量少、价格偏高、菜品单一。",
        "已会同教育部门对食堂开展检查，督促学校公开食堂价格和成本，调整菜品搭配。",
        "已受理，将会同教育部门检查学校食堂。",
    ),
    Topic(
        Kind.COMPLAINT,
        "YPJGK",
        "投诉药店销售的口罩疑似不合格",
        "投诉人在{community}附近一家药店购买的医用外科口罩没有中文标签和生产日期。",
        "经检查，该批口罩标签不符合规定，已责令药店下架并对供货商立案调查。",
        "已受理，将对药店开展现场检查并抽样。",
    ),
    Topic(
        Kind.COMPLAINT,
        "JGJW",
        "投诉窗口工作人员办事推诿",
        "投诉人称在行政服务中心办理业务时，窗口工作人员让其多次往返补交材料，每次要求都不一样。",
        "经调查核实，窗口工作人员未一次性告知所需材料，已对其进行诫勉教育，"
        "并向投诉人当面道歉，业务已当场办结。",
        "已受理，将调取窗口录像和办件记录进行核实。",
    ),
)

TIP_OFFS = (
    Topic(
        Kind.TIP_OFF,
        "SPAQK",
        "举报小区底商无证经营餐饮",
        "举报人反映{community}东门底商一家烧烤店没有办理任何证照，卫生条件差。",
        "经现场检查，该店未取得食品经营许可，已责令停止经营并立案调查。",
        "已受理，将在5个工作日内安排现场检查。",
    ),
    Topic(
        Kind.TIP_OFF,
        "SPAQK",
        "举报无证食品加工黑作坊",
        "举报人称{district}{street}附近一处民房内有人加工豆制品，环境脏乱，供应周边早市。",
        "经联合执法检查，该作坊未取得登记证，已依法查扣产品和工具并立案调查。",
        "已受理，将会同属地街道开展检查。",
    ),
    Topic(
        Kind.TIP_OFF,
        "SPAQK",
        "举报保健品店虚假宣传",
        "举报人称{street}一家保健品店以免费体检、讲座为名向老年人推销保健食品，"
        "宣称能治疗高血压、糖尿病。",
        "经调查，该店存在虚假宣传行为，已立案调查并责令停止违法宣传。",
        "已受理，将对该店宣传资料和销售记录进行检查。",
    ),
    Topic(
        Kind.TIP_OFF,
        "YPJGK",
        "举报药店无处方销售处方药",
        "举报人称在{community}附近一家药店未出示处方即买到了处方药。",
        "经检查，该药店存在未凭处方销售处方药行为，已立案调查，并约谈执业药师。",
        "已受理，将对该药店开展飞行检查。",
    ),
    Topic(
        Kind.TIP_OFF,
        "TZSBK",
        "举报小区电梯超期未检验",
        "举报人称{community}5号楼电梯轿厢内的使用标志显示下次检验日期已过去两个月。",
        "经核查，该电梯确已超期未检，已责令使用单位停用并尽快报检，现已检验合格。",
        "已受理，将现场核查电梯使用标志和检验报告。",
    ),
    Topic(
        Kind.TIP_OFF,
        "TZSBK",
        "举报仓库使用无证叉车",
        "举报人称{district}一家物流仓库的叉车没有牌照，司机也没有作业人员证。",
        "经检查，该单位2台叉车未办理使用登记，已责令停止使用并立案调查。",
        "已受理，将安排安全监察员现场检查。",
    ),
    Topic(
        Kind.TIP_OFF,
        "DJZCK",
        "举报二手车行未亮照经营",
        "举报人反映{street}一家二手车行长期经营，店内未见营业执照。",
        "经核查，该车行已办理营业执照但未在显著位置悬挂，已责令改正。",
        "已受理，将核查该经营者的登记情况。",
    ),
    Topic(
        Kind.TIP_OFF,
        "XBK",
        "举报商店销售假冒注册商标的运动鞋",
        "举报人称在{street}一家鞋店购买的品牌运动鞋做工粗糙，怀疑是假冒商品。",
        "经商标权利人鉴定为侵权商品，已查扣涉案商品并立案调查。",
        "已受理，将联系商标权利人协助鉴定。",
    ),
)

REPORTS = (
    Topic(
        Kind.REPORT,
        "SPAQK",
        "报告学生就餐后疑似食物中毒",
        "报告人称孩子在{street}一家小吃店就餐后出现呕吐腹泻，同班还有3名学生有类似症状。",
        "已第一时间赴现场控制并抽样送检，涉事门店暂停营业；就医学生症状轻微，均已康复。",
        "已启动应急处置，执法人员正赶赴现场。",
    ),
    Topic(
        Kind.REPORT,
        "TZSBK",
        "报告商场电梯困人",
        "报告人称{street}一家商场2号客梯困人约20分钟，维保人员尚未到达。",
        "已联系维保单位到场救援，被困人员安全脱困；已责令使用单位查明原因、停梯检修。",
        "已通知维保单位立即救援，安全监察员赶赴现场。",
    ),
    Topic(
        Kind.REPORT,
        "TZSBK",
        "报告饭店液化气瓶疑似泄漏",
        "报告人称{street}一家饭店后厨有明显液化气味，气瓶没有充装标签。",
        "已会同消防部门现场处置，气瓶已关闭并移出；该店使用的气瓶来源不明，已立案调查。",
        "已通知消防部门并安排安全监察员赶赴现场。",
    ),
    Topic(
        Kind.REPORT,
        "YPJGK",
        "报告网购药品疑似假药",
        "报告人在网上购买的降压药包装印刷模糊，批号在药品追溯平台查不到。",
        "经检验，该药品为假药，已将线索移送公安机关，并通报电商平台下架。",
        "已受理，将对药品抽样检验并追溯来源。",
    ),
)

SUGGESTIONS = (
    Topic(
        Kind.SUGGESTION,
        "XZSPK",
        "建议窗口延长午间办理时间",
        "建议人称上班族只能中午办事，建议行政服务中心市场监管窗口中午安排人员值守。",
        "建议已采纳，市场监管窗口自下月起实行午间错时服务。",
        "已记录建议，将提交科室研究，10个工作日内答复。",
    ),
    Topic(
        Kind.SUGGESTION,
        "DJZCK",
        "建议增加企业开办自助终端",
        "建议人称窗口排队时间较长，建议在行政服务中心增设营业执照自助打印终端。",
        "已协调行政服务中心增设2台营业执照自助打印终端，近期投入使用。",
        "已记录建议，将与行政服务中心研究。",
    ),
    Topic(
        Kind.SUGGESTION,
        "SPAQK",
        "建议在农贸市场设立食品快检室",
        "建议人称希望{district}各农贸市场设立快检室，公示蔬菜农药残留检测结果。",
        "已将该建议纳入明年民生实事计划，先在两个农贸市场试点。",
        "已记录建议，将研究后答复。",
    ),
    Topic(
        Kind.SUGGESTION,
        "XBK",
        "建议加强预付卡消费监管",
        "建议人认为近期健身、美发行业预付卡跑路较多，建议推行预付资金存管。",
        "已将建议报局领导，并在行业座谈会上推广预付卡资金存管和冷静期制度。",
        "已记录建议，将研究后答复。",
    ),
)

HELP_REQUESTS = (
    Topic(
        Kind.HELP,
        "DJZCK",
        "老人不会网上办理个体户注销",
        "求助人年逾七十，经营的小卖部已停业，不会使用手机办理个体工商户注销，请求帮助。",
        "已安排工作人员帮办代办，当场办结注销登记。",
        "已约定上门帮办时间，将协助完成注销登记。",
    ),
    Topic(
        Kind.HELP,
        "DJZCK",
        "营业执照遗失如何补领",
        "求助人称营业执照正本遗失，次日要参加招投标，请求尽快补领。",
        "已指导其通过国家企业信用信息公示系统发布遗失公告并当场申请补领，当天领取新执照。",
        "已告知补领流程，将加急办理。",
    ),
    Topic(
        Kind.HELP,
        "TZSBK",
        "电梯停运老人下楼困难",
        "求助人称{community}电梯因更换主机停运一周，家中老人行动不便无法下楼就医。",
        "已协调物业和维保单位加快施工，提前两天恢复运行；停运期间物业安排人员协助老人出行。",
        "已联系物业了解工期，将协调加快施工。",
    ),
    Topic(
        Kind.HELP,
        "XBK",
        "外地游客购物纠纷求助",
        "求助人是外地游客，在{street}一家特产店购买的阿胶糕与宣传不符，即将离开本市，请求帮助。",
        "已联系商家当场办理退货退款，求助人表示满意。",
        "已联系商家，将协助协商退货。",
    ),
    Topic(
        Kind.HELP,
        "XZSPK",
        "不会在政务服务网上传申请材料",
        "求助人称在政务服务网申请食品经营许可时无法上传材料，页面一直报错。",
        "已远程指导其压缩图片格式后重新上传，申请已提交成功。",
        "已记录问题，将联系系统运维人员协助。",
    ),
)

# Outside the unit's remit: explained, and the requester told where to go.
OUTSIDE_REMIT = (
    (
        Kind.CONSULTATION,
        "咨询邻居装修噪音扰民如何处理",
        "来电人称楼上邻居晚上十点后仍在装修施工，噪音很大，询问向哪里反映。",
        "该事项不属于本局职责。已告知可先向物业和社区居委会反映，夜间施工噪音可拨打110"
        "或向辖区派出所反映。",
    ),
    (
        Kind.HELP,
        "求助被拖欠工资",
        "求助人称在一家饭店打工三个月，老板拖欠工资不给，请求帮助追讨。",
        "该事项不属于本局职责。已告知向区人力资源和社会保障局劳动保障监察大队投诉，"
        "并提供了12333热线电话。",
    ),
    (
        Kind.COMPLAINT,
        "反映小区物业服务差",
        "投诉人反映{community}物业公司保洁不到位、绿化无人管理，要求更换物业。",
        "物业服务质量问题不属于本局职责。已告知向区住房和城乡建设局物业管理部门反映，"
        "并提供了联系电话。",
    ),
    (
        Kind.CONSULTATION,
        "咨询二手房买卖合同纠纷",
        "来访人称购买的二手房存在漏水问题，卖方拒绝承担维修费用，询问如何处理。",
        "该纠纷属于民事合同纠纷，不属于本局职责。已告知可协商、申请人民调解或向人民法院起诉。",
    ),
    (
        Kind.COMPLAINT,
        "反映路边占道经营影响通行",
        "投诉人反映{street}路口早市摊贩占道经营，影响车辆和行人通行。",
        "占道经营由城市管理部门负责，已告知向区城市管理局反映，并提供了12319热线。",
    ),
)

# Not allowed by law or policy: explained patiently and in detail.
NOT_ALLOWED = (
    (
        Kind.CONSULTATION,
        "要求查询某企业股东的个人信息",
        "来访人要求提供{district}一家企业股东的身份证号码和家庭住址。",
        "依照《中华人民共和国个人信息保护法》，股东个人身份证号码和住址不予提供；"
        "已告知可通过国家企业信用信息公示系统查询企业公示信息。",
    ),
    (
        Kind.SERVICE,
        "要求未取得许可先行出具经营证明",
        "来访人称店铺装修即将完成，要求先出具一份可以经营的证明用于招商。",
        "依法不能在取得许可前出具经营证明；已告知食品经营许可的申请条件和流程，"
        "材料齐全的当场受理。",
    ),
    (
        Kind.COMPLAINT,
        "要求撤销行政处罚并退还罚款",
        "来电人认为对其店铺的罚款过重，要求窗口立即撤销处罚并退还罚款。",
        "窗口无权撤销已作出的行政处罚决定；已耐心解释，对处罚不服可依法申请行政复议或"
        "提起行政诉讼，并提供了政策法规科的联系方式。",
    ),
)


@dataclass(frozen=True)
class CrossMatter:
    """Unclear or cross-department: to the office, which names the lead department and any
    contributing ones (codes)."""

    kind: str
    subject: str
    content: str
    result: str
    lead: str
    contributors: tuple[str, ...] = ()


# Unclear or cross-department: to the office, which coordinates.
CROSS_DEPARTMENT = (
    CrossMatter(
        Kind.COMPLAINT,
        "反映烧烤店无证经营且油烟扰民",
        "投诉人反映{community}楼下烧烤店没有证照，油烟直排进居民家中，多次反映无果。",
        "经办公室协调，明确由食品安全监管科牵头查处无证经营，油烟问题移送生态环境部门；"
        "该店已停业整改。",
        lead="SPAQK",
        contributors=("DJZCK",),
    ),
    CrossMatter(
        Kind.TIP_OFF,
        "举报养老机构推销保健品并收取预付费",
        "举报人称{district}一家养老机构向老人推销保健食品，还要求预交三年服务费。",
        "经办公室协调，食品安全监管科查处保健食品违法宣传，消费者权益保护科处理预付费问题，"
        "已向举报人反馈。",
        lead="SPAQK",
        contributors=("XBK",),
    ),
    CrossMatter(
        Kind.COMPLAINT,
        "反映农贸市场电子秤缺斤短两",
        "投诉人称在{street}农贸市场买菜多次遇到缺斤短两，市场公平秤长期无人管理。",
        "经办公室协调，明确由消费者权益保护科会同计量检定机构检查市场在用电子秤，"
        "已查处2户作弊商户并恢复公平秤。",
        lead="XBK",
    ),
    CrossMatter(
        Kind.SUGGESTION,
        "建议统一网上办事入口",
        "建议人称办理食品经营许可和营业执照要登录不同系统，建议统一入口、一次登录。",
        "经办公室协调行政审批科、登记注册科研究，已在政务服务网设置市场监管“一件事”统一入口。",
        lead="XZSPK",
        contributors=("DJZCK",),
    ),
    CrossMatter(
        Kind.COMPLAINT,
        "反映电动自行车充电器质量问题",
        "投诉人称在{street}一家车行购买的电动自行车充电器使用一周后冒烟，怀疑是劣质产品。",
        "经办公室协调，明确由消费者权益保护科调解退换，产品质量线索已移交质量监督抽查。",
        lead="XBK",
    ),
    CrossMatter(
        Kind.TIP_OFF,
        "举报网红奶茶店食品安全和价格问题",
        "举报人称{street}一家网红奶茶店使用过期原料，且会员价与标价不符。",
        "经办公室协调，食品安全监管科负责原料检查，消费者权益保护科负责价格问题，两科联合检查。",
        lead="SPAQK",
        contributors=("XBK",),
    ),
)

_CROSS_BY_SUBJECT = {cross.subject: cross for cross in CROSS_DEPARTMENT}

# The office first named the wrong lead for this one; that department returned it.
_MISCOORDINATED = (
    "举报网红奶茶店食品安全和价格问题",
    "XBK",
    "不属于本科牵头职责。依据《中华人民共和国食品安全法》第六条和本局职能配置规定，"
    "食品原料安全问题应由食品安全监管科牵头负责，本科可配合处理价格问题。",
)
# A requester who settled with the business while the office was still coordinating.
_WITHDRAWN_RESULT = "投诉人来电表示已与经营者自行和解，申请撤回投诉；经核实，予以办结。"

# --- Referrals between departments (转办 / 签收 / 退回) -----------------------------------------

# A matter for another department that the unit must handle: the hotline or the window sends
# it to that department's queue. Some went to the wrong department first, which returned it
# with the reason and the basis: (the topic's subject, where it went first, why it came back).
MISROUTED = (
    (
        "投诉药店销售的口罩疑似不合格",
        "SPAQK",
        "不属于本科职责。依据《某市市场监督管理局职能配置、内设机构和人员编制规定》第三条，"
        "医疗器械（含医用口罩）经营使用环节的监督检查应由药品医疗器械监管科负责，请转该科办理。",
    ),
    (
        "举报二手车行未亮照经营",
        "XZSPK",
        "不属于本科职责。依据《中华人民共和国市场主体登记管理条例》第三十六条、第四十八条，"
        "未将营业执照置于经营场所醒目位置的由登记机关责令改正，应由登记注册科负责。",
    ),
    (
        "举报保健品店虚假宣传",
        "YPJGK",
        "不属于本科职责。依据《某市市场监督管理局职能配置、内设机构和人员编制规定》第三条，"
        "保健食品经营环节的监督检查应由食品安全监管科负责，请转该科办理。",
    ),
)

# Requests for the supervising leader's instructions (请示): (the topic's subject, what the
# handler asks, the leader's instruction).
LEADER_REQUESTS = (
    (
        "投诉小区电梯频繁故障困人",
        "该电梯使用已超过15年，业主要求整体更新，涉及住宅专项维修资金的使用，需协调住建部门，"
        "请示处理意见。",
        "批示：由特种设备安全监察科牵头，函告区住建局协调维修资金；更新前责令维保单位"
        "每周检查一次，确保安全运行。",
    ),
    (
        "投诉学校食堂饭菜分量少、价格高",
        "涉及学校食堂收费和膳食管理，需会同教育部门联合检查，请示是否以局名义致函区教育局。",
        "",
    ),
    (
        "报告网购药品疑似假药",
        "经初步核查涉嫌销售假药，拟将线索移送公安机关，请示处理意见。",
        "批示：同意移送公安机关，同时通报电商平台下架，做好证据固定和抽样检验。",
    ),
)

# Referred to people who are away: the head of 食品安全监管科 is on a business trip (his
# delegate takes it); 曹磊 is on sick leave with no delegate (it waits).
_TO_THE_AWAY_HEAD = (
    "报告学生就餐后疑似食物中毒",
    "疑似食物中毒，按本科应急预案由科长组织处置。",
)
_COSMETICS_COMPLAINT = Topic(
    Kind.COMPLAINT,
    "YPJGK",
    "投诉美容店销售的面霜无中文标签",
    "投诉人在{street}一家美容店购买的进口面霜没有中文标签，使用后面部红肿，要求查处。",
    "经检查，该店销售的进口化妆品未加贴中文标签，已责令下架并立案调查；"
    "经调解，商家退还货款并承担医疗费用。",
    "已受理，将对该店开展现场检查。",
)
_TO_THE_ABSENT_HANDLER = "化妆品经营使用环节的检查由曹磊负责，请其签收办理。"


def _topic(subject: str) -> Topic:
    pools = (CONSULTATIONS, COMPLAINTS, TIP_OFFS, REPORTS, SUGGESTIONS, HELP_REQUESTS)
    return next(topic for pool in pools for topic in pool if topic.subject == subject)


# --- Who asks: names, phones, addresses --------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史贺顾毛郝孔"
)
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "玉兰",
    "海燕",
    "志强",
    "晓东",
    "春梅",
    "国庆",
    "文静",
    "子涵",
    "浩然",
    "雨萱",
    "一鸣",
    "思远",
    "佳怡",
    "梓轩",
    "欣怡",
    "淑芬",
    "红霞",
    "立新",
    "振华",
    "宏伟",
    "慧敏",
    "晓燕",
    "建军",
    "丽娟",
    "凤英",
    "德胜",
    "家豪",
    "婷婷",
    "鹏飞",
    "金凤",
    "玉梅",
    "长青",
    "新民",
]
_MOBILE_PREFIXES = [
    "138",
    "139",
    "135",
    "136",
    "137",
    "150",
    "151",
    "152",
    "158",
    "159",
    "182",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "189",
]
_DISTRICTS = ("历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区")
_STREETS = (
    "经十路",
    "泉城路",
    "历山路",
    "解放路",
    "花园路",
    "舜耕路",
    "工业南路",
    "北园大街",
    "和平路",
    "山大路",
    "英雄山路",
    "二环东路",
)
_COMMUNITIES = (
    "阳光花园",
    "绿地新城",
    "燕山新居",
    "丁香园小区",
    "七里河小区",
    "甸柳新村",
    "舜玉小区",
    "玉函小区",
    "泉景花园",
    "山水家园",
)
_COMPANIES = (
    "济南鑫源餐饮管理有限公司",
    "山东康泰医疗器械有限公司",
    "济南华宇电梯工程有限公司",
    "济南泉城百姓大药房有限公司",
    "山东润德物业服务有限公司",
    "济南百味源食品有限公司",
    "济南顺达物流有限公司",
    "山东明湖商贸有限公司",
)

# Staff who do case work, by the code of the department whose duty they carry (sections
# answer for their department). The first name of each list does the handling.
_HANDLERS = {
    "XZSPK": ("wangfang", "zhangwei", "maqiang"),
    "DJZCK": ("xuming",),
    "SPAQK": ("wuxiaoling", "guoxiaofeng"),
    "YPJGK": ("fengyan",),
    "XBK": ("hanxue",),
    "TZSBK": ("tangpeng",),
    "BGS": ("zhoumin",),
    "JGJW": ("luoqian",),
    "ZCFGK": ("hejing",),
}
# Same department, another colleague: (who received it, who handles it).
_REFERRALS = {
    "XZSPK": ("lixiaoyu", "wangfang"),
    "DJZCK": ("huangli", "xuming"),
    "SPAQK": ("guoxiaofeng", "wuxiaoling"),
    "XBK": ("songjie", "hanxue"),
    "TZSBK": ("dengchao", "tangpeng"),
    "JGJW": ("gaoyuan", "luoqian"),
}
# Who accepts (签收) what comes to a department's queue; and the heads who assign it to that
# person instead. (The head of 食品安全监管科 is away; in 药品医疗器械监管科 and 消费者权益保护科
# the head takes cases up herself.)
_QUEUE_HANDLERS = {
    "SPAQK": "wuxiaoling",
    "TZSBK": "tangpeng",
    "YPJGK": "fengyan",
    "DJZCK": "xuming",
    "XZSPK": "yangfan",
    "XBK": "linna",
    "ZCFGK": "hejing",
}
_ASSIGNING_HEADS = {"TZSBK": "dengchao", "DJZCK": "huangli", "ZCFGK": "liuyang"}
# Who sends matters on to a department's queue (分送), and how those reach them.
_DISPATCHERS = {
    "songjie": (Channel.PHONE, Channel.PHONE, Channel.ONLINE),
    "hanxue": (Channel.ONLINE, Channel.LETTER, Channel.PHONE),
    "lixiaoyu": (Channel.VISIT, Channel.PHONE),
}
# The office's coordinators: the head of the office mostly.
_COORDINATORS = ("chenjing", "chenjing", "zhoumin")
_CONTRIBUTION_NOTE = "{department}配合意见：已派员参加联合检查，相关情况已反馈牵头科室。"
# Who answers first when the matter is not their own: the window, the hotline, the office.
_FRONT_DESKS = ("lixiaoyu", "wangfang", "songjie", "zhoumin", "xuming")
_FRONT_DESK_CHANNELS = {
    "lixiaoyu": (Channel.VISIT, Channel.PHONE),
    "wangfang": (Channel.VISIT,),
    "songjie": (Channel.PHONE, Channel.PHONE, Channel.ONLINE),
    "zhoumin": (Channel.PHONE, Channel.LETTER, Channel.ONLINE, Channel.FAX),
    "xuming": (Channel.VISIT, Channel.PHONE),
}
_FEEDBACK_BY_CHANNEL = {
    Channel.VISIT: (FeedbackMethod.ON_THE_SPOT, FeedbackMethod.PHONE),
    Channel.PHONE: (FeedbackMethod.PHONE, FeedbackMethod.PHONE, FeedbackMethod.SMS),
    Channel.LETTER: (FeedbackMethod.LETTER, FeedbackMethod.PHONE),
    Channel.FAX: (FeedbackMethod.LETTER, FeedbackMethod.PHONE),
    Channel.ONLINE: (FeedbackMethod.SMS, FeedbackMethod.EMAIL, FeedbackMethod.PHONE),
}
_PROGRESS_NOTES = (
    "已电话联系被投诉方，约定近日现场核查。",
    "已调取相关合同和付款凭证，正在核实。",
    "申请人来电询问进度，已告知目前正在核查。",
    "已现场检查，正在等待检验结果。",
    "已向被投诉方送达询问通知书。",
)
# Staff writing one of these is what the taboo-phrase check is for (服务忌语).
_TABOO_TEXTS = (
    "材料不全，回去准备齐了再来。",
    "经查这不归我管，已建议投诉人自行找街道。",
    "下班了，明天再来处理。",
)


@dataclass
class _Case:
    """What one planned case needs: its topic text, requester and the people involved."""

    kind: str
    subject: str
    content: str
    answer: str
    told: str
    department: str
    matter: ServiceMatter | None = None


class _Maker:
    def __init__(self, *, now: datetime.datetime, calendar: WorkCalendar):
        import time_machine  # a dev dependency; seed_demo runs only in development

        self._travel = time_machine.travel
        self.rng = random.Random(RANDOM_SEED)
        self.now = now
        self.today = timezone.localdate(now)
        self.calendar = calendar
        self.tz = timezone.get_current_timezone()
        self.users = {
            user.username: user
            for user in User.objects.filter(
                username__in={staff.username for staff in demo.STAFF}
            ).select_related("profile__department__parent")
        }
        self.departments = {department.code: department for department in Department.objects.all()}
        self.matters = list(
            ServiceMatter.objects.filter(code__in=[matter.code for matter in demo.MATTERS])
            .select_related("department")
            .prefetch_related("materials")
        )
        start = self.today - datetime.timedelta(days=SPAN_DAYS)
        self.working_days = [
            start + datetime.timedelta(days=offset)
            for offset in range(SPAN_DAYS + 1)
            if calendar.is_working_day(start + datetime.timedelta(days=offset))
        ]
        self.created = 0

    # -- time --

    def at(self, moment: datetime.datetime, action: Callable):
        with self._travel(moment, tick=False):
            return action()

    def office_time(self, day: datetime.date) -> datetime.datetime:
        low, high = self.rng.choice((_MORNING, _AFTERNOON))
        minutes = self.rng.randint(low, high)
        return datetime.datetime.combine(
            day, datetime.time(minutes // 60, minutes % 60, self.rng.randint(0, 59)), self.tz
        )

    def received_moment(self, min_age: int, max_age: int) -> datetime.datetime:
        """Office hours on a working day `min_age`..`max_age` working days back, before now."""
        count = len(self.working_days)
        max_age = min(max_age, count - 1)
        min_age = min(min_age, max_age)
        index = count - 1 - self.rng.randint(min_age, max_age)
        moment = self.office_time(self.working_days[index])
        latest = self.now - datetime.timedelta(minutes=30)
        if moment >= latest:
            # Today's office hours have not come yet (or only just): the day before, then.
            earlier = self.office_time(self.working_days[max(index - 1, 0)])
            moment = earlier if earlier < latest else latest
        return moment

    def age(self, received: datetime.datetime) -> int:
        """How many working days ago `received` was."""
        return self.calendar.working_days_between(timezone.localdate(received), self.today)

    def later(
        self, moment: datetime.datetime, *, days: int = 0, minutes: tuple[int, int] = (15, 90)
    ) -> datetime.datetime:
        """A moment after `moment`: `days` working days on, or some minutes on the same day."""
        if days:
            day = self.calendar.add_working_days(timezone.localdate(moment), days)
            result = self.office_time(day)
        else:
            result = moment + datetime.timedelta(minutes=self.rng.randint(*minutes))
        latest = self.now - datetime.timedelta(minutes=2)
        result = min(result, latest)
        if result <= moment:
            result = moment + datetime.timedelta(seconds=30)
        return result

    def recent_moment(self, *, since_days: int) -> datetime.datetime:
        """A moment no earlier than `since_days` calendar days back and three hours before now
        (room for the steps that follow): office hours on the latest working day that has
        them, else on the latest day that has (the hotline answers at weekends), else three
        hours ago."""
        earliest = self.today - datetime.timedelta(days=since_days)
        latest = self.now - datetime.timedelta(hours=3)
        days = [earliest + datetime.timedelta(days=n) for n in range(since_days, -1, -1)]
        working = [day for day in days if self.calendar.is_working_day(day)]
        for day in (*working, *days):
            moment = self.office_time(day)
            if moment < latest:
                return moment
        return latest

    # -- people --

    def requester(self, channel: str, *, unit: str = "") -> Requester:
        rng = self.rng
        if rng.random() < 0.12:
            phone = f"0531-8{rng.randint(0, 9_999_999):07d}"
        else:
            phone = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"
        address = ""
        if channel in {Channel.LETTER, Channel.FAX} or rng.random() < 0.15:
            address = (
                f"济南市{rng.choice(_DISTRICTS)}{rng.choice(_STREETS)}{rng.randint(1, 300)}号"
                f"{rng.choice(_COMMUNITIES)}{rng.randint(1, 20)}号楼{rng.randint(1, 4)}单元"
                f"{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            )
            if channel == Channel.LETTER and rng.random() < 0.4:
                phone = ""
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
        return Requester(name=name, unit=unit, phone=phone, address=address)

    def fill(self, text: str) -> str:
        return text.format(
            street=self.rng.choice(_STREETS),
            community=self.rng.choice(_COMMUNITIES),
            district=self.rng.choice(_DISTRICTS),
        )

    def case_from_topic(self, topic: Topic) -> _Case:
        return _Case(
            kind=topic.kind,
            subject=topic.subject,
            content=self.fill(topic.content),
            answer=topic.answer,
            told=topic.told,
            department=topic.department,
        )

    def service_case(self, matter: ServiceMatter) -> _Case:
        content = self.rng.choice(SERVICE_CONTENTS).format(
            matter=matter.name,
            district=self.rng.choice(_DISTRICTS),
            street=self.rng.choice(_STREETS),
            number=self.rng.randint(1, 300),
        )
        days = matter.promised_days
        return _Case(
            kind=Kind.SERVICE,
            subject=f"申请办理{matter.name}",
            content=content,
            answer=SERVICE_ANSWER,
            told=f"窗口已受理，承诺{days}个工作日内办结，办结后短信通知。",
            department=matter.department.code,
            matter=matter,
        )

    def handler_for(self, department: str) -> User:
        return self.users[_HANDLERS[department][0]]

    def feedback_method(self, channel: str) -> str:
        return self.rng.choice(_FEEDBACK_BY_CHANNEL[channel])

    # -- the service calls, each at its moment --

    def register(
        self, case: _Case, *, by: User, channel: str, moment: datetime.datetime
    ) -> Inquiry:
        unit = ""
        if case.matter is not None and self.rng.random() < 0.6:
            unit = self.rng.choice(_COMPANIES)
        letter_date = None
        if channel in {Channel.LETTER, Channel.FAX}:
            letter_date = timezone.localdate(moment) - datetime.timedelta(
                days=self.rng.randint(1, 5)
            )
        disclosure = self.rng.random() < 0.92
        inquiry = self.at(
            moment,
            lambda: inquiry_register(
                by=by,
                channel=channel,
                kind=case.kind,
                requester=self.requester(channel, unit=unit),
                subject=case.subject,
                content=case.content,
                disclosure_given=disclosure,
                received_at=moment,
                letter_date=letter_date,
                matter=case.matter,
            ),
        )
        inquiry.history.filter(history_type="+").update(
            history_change_reason=demo.SEED_CHANGE_REASON
        )
        self.created += 1
        if not disclosure and self.rng.random() < 0.5:
            # Told, but ticked a minute later; what follows comes at least three minutes on.
            moment = self.later(moment, minutes=(1, 2))
            inquiry = self.at(moment, lambda: inquiry_record_disclosure(inquiry=inquiry, by=by))
        return inquiry

    def close(
        self,
        inquiry: Inquiry,
        *,
        by: User,
        result: str,
        moment: datetime.datetime,
        unreachable: bool = False,
    ) -> Inquiry:
        # The first responder tells the requester and closes (`by` only did the work).
        by = inquiry.first_responder
        if unreachable:
            return self.at(
                moment,
                lambda: inquiry_close(
                    inquiry=inquiry,
                    by=by,
                    result=result,
                    unreachable_reason="连续三个工作日拨打办事人登记的电话均无人接听，"
                    "短信也未获回复。",
                ),
            )
        method = self.feedback_method(inquiry.channel)
        return self.at(
            moment,
            lambda: inquiry_close(
                inquiry=inquiry,
                by=by,
                result=result,
                feedback_method=method,
                feedback_note=f"已将办理结果告知申请人：{result}",
            ),
        )


# --- The plans: one function per way a case goes ----------------------------------------------
# Each takes the moment the case was received; `age` is how many working days ago that was.


def _on_the_spot(maker: _Maker, case: _Case, received: datetime.datetime) -> Inquiry:
    """Own duty, answered there and then: closed at once."""
    by = maker.users[maker.rng.choice(_HANDLERS[case.department])]
    channel = maker.rng.choice((Channel.VISIT, Channel.PHONE, Channel.PHONE, Channel.ONLINE))
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(3, 20))
    return maker.at(
        moment,
        lambda: inquiry_decide_path(
            inquiry=inquiry, by=by, path=Path.OWN_DUTY, on_the_spot_result=case.answer
        ),
    )


def _same_duty(department: Department, code: str) -> bool:
    """Whether `department` is the department `code` or one of its sections."""
    return department.code == code or (
        department.parent is not None and department.parent.code == code
    )


def _pointed(maker: _Maker, case: _Case, received: datetime.datetime) -> Inquiry:
    """Another department's matter: the requester is told where to go; closed at once."""
    desks = [
        username
        for username in _FRONT_DESKS
        if not _same_duty(maker.users[username].profile.department, case.department)
    ]
    by = maker.users[maker.rng.choice(desks)]
    channel = maker.rng.choice(_FRONT_DESK_CHANNELS[by.username])
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(3, 15))
    return maker.at(
        moment,
        lambda: inquiry_decide_path(
            inquiry=inquiry,
            by=by,
            path=Path.OTHER_DEPARTMENT,
            department=maker.departments[case.department],
        ),
    )


def _explained(maker: _Maker, case: _Case, received: datetime.datetime, *, path: str) -> Inquiry:
    """Not allowed, or outside the unit's remit: explained and closed at once."""
    by = maker.users[maker.rng.choice(_FRONT_DESKS)]
    channel = maker.rng.choice(_FRONT_DESK_CHANNELS[by.username])
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(5, 25))
    return maker.at(
        moment,
        lambda: inquiry_decide_path(inquiry=inquiry, by=by, path=path, told=case.answer),
    )


def _handled(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    until: str,
    reply: str = "",
    note: str = "",
    unreachable: bool = False,
    reopen: bool = False,
) -> Inquiry:
    """Own duty, not on the spot: in progress → (replied) → (closed) → (reopened)."""
    by = maker.handler_for(case.department)
    channel = maker.rng.choice((Channel.PHONE, Channel.VISIT, Channel.ONLINE, Channel.PHONE))
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(5, 40))
    inquiry = maker.at(
        moment,
        lambda: inquiry_decide_path(
            inquiry=inquiry,
            by=by,
            path=Path.OWN_DUTY,
            told=case.told or f"已登记，核实后在{inquiry.time_limit_days}个工作日内答复。",
        ),
    )
    # Work happens within the time limit, and before today.
    span = max(1, min(maker.age(received) - 1, inquiry.time_limit_days - 1))
    if note:
        moment = maker.later(moment, days=maker.rng.randint(0, span // 2))
        maker.at(moment, lambda: inquiry_add_note(inquiry=inquiry, by=by, text=note))
    if until == "in_progress":
        return inquiry
    moment = maker.later(moment, days=maker.rng.randint(max(1, span // 2), span))
    inquiry = maker.at(
        moment, lambda: inquiry_reply(inquiry=inquiry, by=by, reply=reply or case.answer)
    )
    if until == "replied":
        return inquiry
    moment = maker.later(moment, minutes=(30, 240))
    inquiry = maker.close(
        inquiry, by=by, result=case.answer, moment=moment, unreachable=unreachable
    )
    if reopen:
        moment = maker.later(moment, days=maker.rng.randint(1, 3))
        inquiry = maker.at(
            moment,
            lambda: inquiry_reopen(
                inquiry=inquiry, by=by, reason="申请人回访时表示对处理结果不满意，要求重新核查。"
            ),
        )
    return inquiry


def _referred(maker: _Maker, case: _Case, received: datetime.datetime, *, until: str) -> Inquiry:
    """Same department, another colleague: referred → (in progress → replied → closed)."""
    receiver, colleague = (maker.users[name] for name in _REFERRALS[case.department])
    channel = maker.rng.choice((Channel.PHONE, Channel.VISIT, Channel.ONLINE))
    inquiry = maker.register(case, by=receiver, channel=channel, moment=received)
    moment = maker.later(received, minutes=(5, 30))
    inquiry = maker.at(
        moment,
        lambda: inquiry_decide_path(
            inquiry=inquiry,
            by=receiver,
            path=Path.SAME_DEPARTMENT,
            colleague=colleague,
            told=f"已转{colleague.get_full_name()}（{colleague.profile.title}）办理，"
            f"电话{colleague.profile.office_phone}。",
        ),
    )
    if until == "referred":
        return inquiry
    moment = maker.later(moment, days=1)
    inquiry = maker.at(moment, lambda: inquiry_start_handling(inquiry=inquiry, by=colleague))
    moment = maker.later(moment, days=maker.rng.randint(2, max(2, min(maker.age(received) - 2, 8))))
    inquiry = maker.at(
        moment, lambda: inquiry_reply(inquiry=inquiry, by=colleague, reply=case.answer)
    )
    # The first responder gives the feedback: the responsibility never left them.
    moment = maker.later(moment, minutes=(30, 180))
    return maker.close(inquiry, by=receiver, result=case.answer, moment=moment)


def _refer_to_department(
    maker: _Maker,
    inquiry: Inquiry,
    *,
    by: User,
    code: str,
    moment: datetime.datetime,
    reason: str = "",
    tell: bool = True,
) -> Referral:
    """Send the case to department `code`'s queue (分送), telling the requester where it went."""
    department = maker.departments[code]
    deadline = inquiry.deadline
    told = (
        f"已转{department.name}办理（{department.location}，电话{department.phone}），"
        f"办理结果将在{deadline.month}月{deadline.day}日前答复。"
        if tell
        else ""
    )
    return maker.at(
        moment,
        lambda: referral_create(
            inquiry=inquiry,
            by=by,
            target=Referral.Target.DEPARTMENT,
            to_department=department,
            reason=reason or f"属于{department.name}职责，请签收办理。",
            told=told,
        ),
    )


def _accept(
    maker: _Maker,
    referral: Referral,
    *,
    code: str,
    moment: datetime.datetime,
    by_head: bool = False,
) -> User:
    """签收 by the department's handler, or assigned to them by its head; returns the handler."""
    handler = maker.users[_QUEUE_HANDLERS[code]]
    if by_head:
        head = maker.users[_ASSIGNING_HEADS[code]]
        maker.at(moment, lambda: referral_accept(referral=referral, by=head, assignee=handler))
    else:
        maker.at(moment, lambda: referral_accept(referral=referral, by=handler))
    return handler


def _finish(
    maker: _Maker,
    inquiry: Inquiry,
    case: _Case,
    *,
    handler: User,
    received: datetime.datetime,
    moment: datetime.datetime,
    until: str = "closed",
) -> Inquiry:
    """The handler replies within the time limit; the first responder tells the requester and
    closes (the responsibility never left them)."""
    span = max(1, min(maker.age(received) - 1, inquiry.time_limit_days - 1))
    moment = maker.later(moment, days=maker.rng.randint(1, span))
    inquiry = maker.at(
        moment, lambda: inquiry_reply(inquiry=inquiry, by=handler, reply=case.answer)
    )
    if until == "replied":
        return inquiry
    moment = maker.later(moment, minutes=(30, 240))
    return maker.close(inquiry, by=handler, result=case.answer, moment=moment)


def _to_department(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    until: str,
    by_head: bool = False,
    misrouted: tuple[str, str, str] | None = None,
) -> Inquiry:
    """Another department's matter that the unit handles: the hotline or the window sends it
    to that department's queue; a handler there accepts it (or the head assigns it), replies,
    and the first responder closes. A misrouted one is first returned, with the reason and
    its basis, and then sent on to the right department.

    `until`: "returned" (back with the sender), "pending", "in_progress", "replied", "closed".
    """
    username = maker.rng.choice(tuple(_DISPATCHERS))
    desk = maker.users[username]
    channel = maker.rng.choice(_DISPATCHERS[username])
    inquiry = maker.register(case, by=desk, channel=channel, moment=received)
    moment = maker.later(received, minutes=(5, 30))
    if misrouted is not None:
        _subject, first_to, reason = misrouted
        wrong = _refer_to_department(maker, inquiry, by=desk, code=first_to, moment=moment)
        moment = maker.later(moment, days=1)
        returner = maker.users[_QUEUE_HANDLERS[first_to]]
        maker.at(moment, lambda: referral_return(referral=wrong, by=returner, reason=reason))
        if until == "returned":
            return inquiry
        moment = maker.later(moment, minutes=(20, 120))
    referral = _refer_to_department(maker, inquiry, by=desk, code=case.department, moment=moment)
    if until == "pending":
        return inquiry
    moment = maker.later(moment, days=maker.rng.choice((0, 1, 1)), minutes=(30, 180))
    handler = _accept(maker, referral, code=case.department, moment=moment, by_head=by_head)
    if until == "in_progress":
        return inquiry
    return _finish(
        maker, inquiry, case, handler=handler, received=received, moment=moment, until=until
    )


def _coordinated(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    until: str,
    misled: bool = False,
) -> Inquiry:
    """Unclear or cross-department: to the office (coordinating), which names the lead
    department and any contributing ones. The lead accepts, replies and the first responder
    closes; contributing departments accept and add their part as a note. With `misled`,
    the office first names a lead that returns it, and coordinates again.

    `until`: "office" (waiting for the office), "withdrawn" (the requester withdrew it while
    the office coordinated: closed, the office's referral withdrawn), "lead" (named, not
    yet accepted), "in_progress", "closed".
    """
    cross = _CROSS_BY_SUBJECT[case.subject]
    by = maker.users[maker.rng.choice(("songjie", "lixiaoyu", "xuming", "hanxue"))]
    channel = maker.rng.choice((Channel.PHONE, Channel.ONLINE, Channel.VISIT))
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(10, 60))
    inquiry = maker.at(
        moment,
        lambda: inquiry_decide_path(
            inquiry=inquiry,
            by=by,
            path=Path.OFFICE,
            told="涉及多个科室职责，已报办公室协调，明确承办科室后答复。",
        ),
    )
    if until == "office":
        return inquiry
    if until == "withdrawn":
        moment = maker.later(moment, days=maker.rng.randint(1, 2))
        return maker.close(inquiry, by=by, result=_WITHDRAWN_RESULT, moment=moment)
    coordinator = maker.users[maker.rng.choice(_COORDINATORS)]
    departments = maker.departments
    moment = maker.later(moment, days=maker.rng.choice((0, 1)), minutes=(60, 240))
    if misled:
        _subject, wrong_code, reason = _MISCOORDINATED
        wrong = maker.at(
            moment,
            lambda: office_coordinate(
                inquiry=inquiry,
                by=coordinator,
                lead=departments[wrong_code],
                note=f"经协调，明确由{departments[wrong_code].name}牵头办理。",
            ),
        )
        moment = maker.later(moment, days=1)
        returner = maker.users[_QUEUE_HANDLERS[wrong_code]]
        maker.at(moment, lambda: referral_return(referral=wrong, by=returner, reason=reason))
        moment = maker.later(moment, minutes=(30, 120))
    contributors = [departments[code] for code in cross.contributors]
    note = f"经协调，明确由{departments[cross.lead].name}牵头办理"
    if contributors:
        note += f"，{'、'.join(d.name for d in contributors)}配合"
    lead = maker.at(
        moment,
        lambda: office_coordinate(
            inquiry=inquiry,
            by=coordinator,
            lead=departments[cross.lead],
            contributors=contributors,
            note=f"{note}。",
        ),
    )
    if until == "lead":
        return inquiry
    moment = maker.later(moment, days=maker.rng.choice((0, 1)), minutes=(30, 180))
    handler = _accept(maker, lead, code=cross.lead, moment=moment)
    contributions = Referral.objects.filter(
        inquiry=inquiry, target=Referral.Target.CONTRIBUTION, state=Referral.State.PENDING
    ).select_related("to_department")
    for contribution in contributions:
        helper = maker.users[_QUEUE_HANDLERS[contribution.to_department.code]]
        moment = maker.later(moment, minutes=(10, 60))
        maker.at(moment, partial(referral_accept, referral=contribution, by=helper))
        moment = maker.later(moment, minutes=(60, 240))
        text = _CONTRIBUTION_NOTE.format(department=contribution.to_department.name)
        maker.at(moment, partial(inquiry_add_note, inquiry=inquiry, by=helper, text=text))
    if until == "in_progress":
        return inquiry
    return _finish(maker, inquiry, case, handler=handler, received=received, moment=moment)


def _to_leader(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    request: str,
    instruction: str,
    until: str,
) -> Inquiry:
    """The handler asks the supervising leader for instructions (请示); the leader accepts,
    writes the instruction and sends the case back to the department's queue, where it is
    taken up (assigned by the head where the demo has one), replied to and closed.

    `until`: "pending" (the leader has not accepted yet), "in_progress", "closed".
    """
    by = maker.handler_for(case.department)
    channel = maker.rng.choice((Channel.PHONE, Channel.VISIT, Channel.ONLINE))
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    moment = maker.later(received, minutes=(5, 40))
    maker.at(
        moment,
        lambda: inquiry_decide_path(inquiry=inquiry, by=by, path=Path.OWN_DUTY, told=case.told),
    )
    moment = maker.later(moment, days=1)
    referral = maker.at(
        moment,
        lambda: referral_create(
            inquiry=inquiry, by=by, target=Referral.Target.LEADER, reason=request
        ),
    )
    if until == "pending":
        return inquiry
    leader = referral.to_user
    moment = maker.later(moment, days=maker.rng.choice((0, 1)), minutes=(60, 240))
    maker.at(moment, lambda: referral_accept(referral=referral, by=leader))
    moment = maker.later(moment, minutes=(5, 30))
    maker.at(moment, lambda: inquiry_add_note(inquiry=inquiry, by=leader, text=instruction))
    moment = maker.later(moment, minutes=(5, 30))
    back = _refer_to_department(
        maker,
        inquiry,
        by=leader,
        code=case.department,
        moment=moment,
        reason="请按批示办理。",
        tell=False,
    )
    moment = maker.later(moment, minutes=(30, 180))
    handler = _accept(
        maker,
        back,
        code=case.department,
        moment=moment,
        by_head=case.department in _ASSIGNING_HEADS,
    )
    if until == "in_progress":
        return inquiry
    return _finish(maker, inquiry, case, handler=handler, received=received, moment=moment)


def _to_the_away(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    accepter: str,
    colleague: str,
    reason: str,
) -> Inquiry:
    """The hotline sends a matter to a department's queue; the handler who accepts it refers
    it on to the colleague whose duty it is, who is away. Their delegate gets it and takes it
    up; with no delegate it waits, and the first responder and the head are told."""
    desk = maker.users["songjie"]
    inquiry = maker.register(case, by=desk, channel=Channel.PHONE, moment=received)
    moment = maker.later(received, minutes=(5, 20))
    referral = _refer_to_department(maker, inquiry, by=desk, code=case.department, moment=moment)
    taker = maker.users[accepter]
    moment = maker.later(moment, minutes=(10, 40))
    maker.at(moment, lambda: referral_accept(referral=referral, by=taker))
    moment = maker.later(moment, minutes=(10, 40))
    onward = maker.at(
        moment,
        lambda: referral_create(
            inquiry=inquiry,
            by=taker,
            target=Referral.Target.COLLEAGUE,
            to_user=maker.users[colleague],
            reason=reason,
        ),
    )
    if onward.waiting_for_absent:
        return inquiry
    delegate = onward.to_user
    moment = maker.later(moment, minutes=(10, 30))
    maker.at(moment, lambda: referral_accept(referral=onward, by=delegate))
    moment = maker.later(moment, minutes=(30, 90))
    maker.at(moment, lambda: inquiry_add_note(inquiry=inquiry, by=delegate, text=case.told))
    return inquiry


def _away_since(username: str) -> int:
    """How many days ago the demo person `username` went away."""
    staff = next(item for item in demo.STAFF if item.username == username)
    return -(staff.away_from_days or 0)


def _with_notice(
    maker: _Maker,
    case: _Case,
    received: datetime.datetime,
    *,
    until: str,
    second_notice: str = "",
    note: str = "",
) -> Inquiry:
    """A catalog matter with papers missing: one-time notice → (materials → reply → close)."""
    matter = case.matter
    by = maker.handler_for(case.department)
    channel = Channel.VISIT if maker.rng.random() < 0.8 else Channel.ONLINE
    inquiry = maker.register(case, by=by, channel=channel, moment=received)
    required = [material.pk for material in matter.materials.all() if material.is_required]
    received_materials = maker.rng.sample(required, k=maker.rng.randint(1, len(required) - 1))
    moment = maker.later(received, minutes=(10, 40))
    maker.at(
        moment,
        lambda: notice_issue(
            inquiry=inquiry, by=by, received_material_ids=received_materials, note=note
        ),
    )
    if second_notice:
        moment = maker.later(moment, days=maker.rng.randint(1, 3))
        maker.at(
            moment,
            lambda: notice_issue(
                inquiry=inquiry,
                by=by,
                received_material_ids=received_materials,
                extra_items=[second_notice],
            ),
        )
    if until == "awaiting_materials":
        inquiry.refresh_from_db()
        return inquiry
    moment = maker.later(moment, days=maker.rng.randint(1, 3))
    inquiry = maker.at(
        moment,
        lambda: inquiry_materials_complete(
            inquiry=inquiry, by=by, note="申请人已补齐告知单所列全部材料。"
        ),
    )
    if until == "in_progress":
        return inquiry
    moment = maker.later(moment, days=maker.rng.randint(1, max(1, matter.promised_days - 1)))
    inquiry = maker.at(moment, lambda: inquiry_reply(inquiry=inquiry, by=by, reply=case.answer))
    moment = maker.later(moment, minutes=(20, 120))
    return maker.close(inquiry, by=by, result=case.answer, moment=moment)


# Who registers what has just come in, by channel.
_JUST_IN = {
    Channel.VISIT: "lixiaoyu",
    Channel.PHONE: "songjie",
    Channel.LETTER: "zhoumin",
    Channel.FAX: "zhoumin",
    Channel.ONLINE: "hanxue",
}


def _just_registered(
    maker: _Maker, case: _Case, received: datetime.datetime, *, channel: str
) -> Inquiry:
    """Just registered: the path is not decided yet."""
    return maker.register(case, by=maker.users[_JUST_IN[channel]], channel=channel, moment=received)


# --- The mix -----------------------------------------------------------------------------------


def _plan(maker: _Maker) -> list[tuple[datetime.datetime, Callable[[], Inquiry]]]:
    """About 200 cases: how many go each way, received how many working days ago."""
    rng = maker.rng
    plans: list[tuple[datetime.datetime, Callable[[], Inquiry]]] = []

    def add(count: int, ages: tuple[int, int], make_case, run) -> None:
        """`count` cases received `ages` working days ago; run(case, received, index) makes one."""
        for index in range(count):
            received = maker.received_moment(*ages)
            case = make_case(index)
            plans.append((received, lambda c=case, r=received, i=index: run(c, r, i)))

    def pick(pool):
        return lambda index: maker.case_from_topic(rng.choice(pool))

    def service(code: str | None = None):
        def make(index):
            if code is None:
                return maker.service_case(rng.choice(maker.matters))
            return maker.service_case(next(m for m in maker.matters if m.code == code))

        return make

    def note_sometimes(index: int) -> str:
        return _PROGRESS_NOTES[index % len(_PROGRESS_NOTES)] if index % 3 == 1 else ""

    complaints_and_tips = COMPLAINTS + TIP_OFFS
    referable = tuple(
        topic for topic in complaints_and_tips + CONSULTATIONS if topic.department in _REFERRALS
    )
    any_age = (0, 62)

    # Answered on the spot: most consultations, some help and suggestions.
    def on_the_spot(c, r, i):
        return _on_the_spot(maker, c, r)

    add(21, any_age, pick(CONSULTATIONS), on_the_spot)
    add(5, any_age, pick(HELP_REQUESTS), on_the_spot)
    add(2, any_age, pick(SUGGESTIONS), on_the_spot)
    # Another department's matter: the requester is pointed there.
    add(10, any_age, pick(CONSULTATIONS), lambda c, r, i: _pointed(maker, c, r))
    add(5, any_age, pick(complaints_and_tips), lambda c, r, i: _pointed(maker, c, r))

    # Outside the remit, or not allowed by law: explained.
    def explained_case(pool):
        def make(index):
            kind, subject, content, told = rng.choice(pool)
            return _Case(kind, subject, maker.fill(content), told, told, "BGS")

        return make

    add(
        8,
        any_age,
        explained_case(OUTSIDE_REMIT),
        lambda c, r, i: _explained(maker, c, r, path=Path.OUTSIDE_REMIT),
    )
    add(
        4,
        any_age,
        explained_case(NOT_ALLOWED),
        lambda c, r, i: _explained(maker, c, r, path=Path.NOT_ALLOWED),
    )

    # Own duty, handled over days, closed with feedback; a few requesters were not reachable.
    def closed(c, r, i):
        return _handled(maker, c, r, until="closed", note=note_sometimes(i), unreachable=i % 9 == 4)

    for pool, count in (
        (COMPLAINTS, 12),
        (TIP_OFFS, 7),
        (REPORTS, 4),
        (SUGGESTIONS, 4),
        (HELP_REQUESTS, 4),
        (CONSULTATIONS, 2),
    ):
        add(count, (16, 62), pick(pool), closed)
    # Referred within the department, taken up, replied, closed by the first responder.
    add(10, (12, 62), pick(referable), lambda c, r, i: _referred(maker, c, r, until="closed"))
    # Catalog matters: papers missing first, then complete; or complete from the start.
    add(
        12,
        (12, 62),
        service(),
        lambda c, r, i: _with_notice(maker, c, r, until="closed"),
    )
    add(8, (12, 62), service(), lambda c, r, i: _handled(maker, c, r, until="closed"))

    # The office coordinates: waiting for the office (one past its acceptance day), withdrawn
    # by the requester meanwhile, a lead named and not yet accepted, in hand (one after the
    # first lead named returned it), closed.
    def cross_case(cross: CrossMatter | None = None, *, pool=CROSS_DEPARTMENT):
        def make(index):
            chosen = cross or rng.choice(pool)
            content = maker.fill(chosen.content)
            return _Case(chosen.kind, chosen.subject, content, chosen.result, "", chosen.lead)

        return make

    def coordinated(until: str, *, misled: bool = False):
        return lambda c, r, i: _coordinated(maker, c, r, until=until, misled=misled)

    add(1, (0, 1), cross_case(), coordinated("office"))
    add(1, (2, 3), cross_case(), coordinated("office"))
    complaints = tuple(cross for cross in CROSS_DEPARTMENT if cross.kind == Kind.COMPLAINT)
    add(1, (6, 20), cross_case(pool=complaints), coordinated("withdrawn"))
    add(1, (2, 5), cross_case(), coordinated("lead"))
    add(1, (5, 12), cross_case(), coordinated("in_progress"))
    misled = _CROSS_BY_SUBJECT[_MISCOORDINATED[0]]
    add(1, (6, 14), cross_case(misled), coordinated("in_progress", misled=True))
    add(3, (14, 62), cross_case(), coordinated("closed"))

    # Another department's matter the unit handles: to that department's queue. Waiting to be
    # accepted (the older ones past their acceptance day), accepted by a handler there or
    # assigned by the head, replied, closed; three went to the wrong department first.
    queue_topics = tuple(
        topic
        for topic in COMPLAINTS + TIP_OFFS + REPORTS
        if topic.department in _QUEUE_HANDLERS and topic.department not in {"XBK", "XZSPK"}
    )
    head_topics = tuple(topic for topic in queue_topics if topic.department in _ASSIGNING_HEADS)

    def to_queue(until: str, *, by_head: bool = False, misrouted=None):
        return lambda c, r, i: _to_department(
            maker, c, r, until=until, by_head=by_head, misrouted=misrouted
        )

    def topic_case(subject: str):
        return lambda index: maker.case_from_topic(_topic(subject))

    add(2, (0, 1), pick(queue_topics), to_queue("pending"))
    add(2, (3, 8), pick(queue_topics), to_queue("pending"))
    add(2, (3, 8), pick(queue_topics), to_queue("in_progress"))
    add(1, (3, 8), pick(head_topics), to_queue("in_progress", by_head=True))
    add(1, (6, 10), pick(queue_topics), to_queue("replied"))
    add(3, (14, 62), pick(queue_topics), to_queue("closed"))
    add(2, (14, 62), pick(head_topics), to_queue("closed", by_head=True))
    for misrouted, ages, until, by_head in zip(
        MISROUTED,
        ((14, 40), (6, 12), (2, 4)),
        ("closed", "in_progress", "returned"),
        (False, True, False),
        strict=True,
    ):
        add(
            1, ages, topic_case(misrouted[0]), to_queue(until, by_head=by_head, misrouted=misrouted)
        )

    # The supervising leader's instructions: given and carried out; being carried out; asked.
    for (subject, request, instruction), ages, until in zip(
        LEADER_REQUESTS,
        ((15, 40), (2, 4), (4, 10)),
        ("closed", "pending", "in_progress"),
        strict=True,
    ):
        add(
            1,
            ages,
            topic_case(subject),
            lambda c, r, i, request=request, instruction=instruction, until=until: _to_leader(
                maker, c, r, request=request, instruction=instruction, until=until
            ),
        )

    # Referred to someone who is away, while they are away: to the delegate; or it waits.
    subject, reason = _TO_THE_AWAY_HEAD
    for case, accepter, colleague, why in (
        (maker.case_from_topic(_topic(subject)), "guoxiaofeng", "zhoujun", reason),
        (maker.case_from_topic(_COSMETICS_COMPLAINT), "fengyan", "caolei", _TO_THE_ABSENT_HANDLER),
    ):
        received = maker.recent_moment(since_days=_away_since(colleague))
        plans.append(
            (
                received,
                lambda c=case, r=received, a=accepter, who=colleague, why=why: _to_the_away(
                    maker, c, r, accepter=a, colleague=who, reason=why
                ),
            )
        )
    # Reopened: the requester was not satisfied.
    add(
        5,
        (20, 62),
        pick(COMPLAINTS),
        lambda c, r, i: _handled(maker, c, r, until="closed", reopen=True),
    )
    # Replied; the feedback to the requester is still to be given.
    add(
        10,
        (2, 12),
        pick(complaints_and_tips + HELP_REQUESTS),
        lambda c, r, i: _handled(maker, c, r, until="replied"),
    )
    # In progress: most within the time limit, some overdue.
    add(
        8,
        (1, 8),
        pick(COMPLAINTS + TIP_OFFS + REPORTS + SUGGESTIONS),
        lambda c, r, i: _handled(maker, c, r, until="in_progress", note=note_sometimes(i)),
    )
    add(
        5,
        (20, 40),
        pick(complaints_and_tips),
        lambda c, r, i: _handled(
            maker, c, r, until="in_progress", note=_PROGRESS_NOTES[i % len(_PROGRESS_NOTES)]
        ),
    )
    add(1, (3, 5), service(), lambda c, r, i: _with_notice(maker, c, r, until="in_progress"))
    # Referred and not yet taken up; one long overdue.
    add(5, (0, 4), pick(referable), lambda c, r, i: _referred(maker, c, r, until="referred"))
    add(1, (25, 35), pick(referable), lambda c, r, i: _referred(maker, c, r, until="referred"))
    # Waiting for materials after the one-time notice; one got a second, different list.
    add(
        7,
        (0, 10),
        service(),
        lambda c, r, i: _with_notice(maker, c, r, until="awaiting_materials"),
    )
    add(
        1,
        (4, 8),
        service("XK-SPJY-001"),
        lambda c, r, i: _with_notice(
            maker, c, r, until="awaiting_materials", second_notice="房屋产权证明复印件"
        ),
    )
    # Staff who wrote a service taboo phrase: flagged for supervisors, never blocked.
    add(
        1,
        (30, 50),
        service("DJ-GTHSL-001"),
        lambda c, r, i: _with_notice(maker, c, r, until="closed", note=_TABOO_TEXTS[0]),
    )
    add(
        1,
        (25, 50),
        pick(COMPLAINTS),
        lambda c, r, i: _handled(maker, c, r, until="closed", reply=_TABOO_TEXTS[1]),
    )
    add(
        1,
        (3, 6),
        pick(TIP_OFFS),
        lambda c, r, i: _handled(maker, c, r, until="in_progress", note=_TABOO_TEXTS[2]),
    )
    # Just registered: one for each channel, and one more call.
    for channel in (*Channel.values, Channel.PHONE):
        add(
            1,
            (0, 1),
            pick(complaints_and_tips + CONSULTATIONS),
            lambda c, r, i, channel=channel: _just_registered(maker, c, r, channel=channel),
        )
    return plans


def _notifications_settle(maker: _Maker, *, after_pk: int) -> int:
    """The demo's notifications went out by email when they were made, and people have read
    those older than two days (the newest stay unread, for the inbox to show).

    Marking them emailed inside the seeding transaction also means the emails the services
    queue for after the commit find nothing left to send: seeding never sends or prints one.
    """
    read_before = maker.now - datetime.timedelta(days=2)
    latest = maker.now - datetime.timedelta(minutes=1)
    notifications = list(Notification.objects.filter(pk__gt=after_pk).order_by("pk"))
    for notification in notifications:
        notification.emailed_at = notification.created_at
        if notification.created_at < read_before:
            delay = datetime.timedelta(minutes=maker.rng.randint(5, 240))
            notification.read_at = min(notification.created_at + delay, latest)
    Notification.objects.bulk_update(notifications, ["emailed_at", "read_at"], batch_size=500)
    return len(notifications)


@transaction.atomic
def demo_cases_seed(*, now: datetime.datetime | None = None) -> int:
    """Make the demo cases unless they are there already; return how many were made."""
    if demo_cases_present():
        return 0
    last_notification = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    maker = _Maker(now=now or timezone.now(), calendar=work_calendar())
    # Registered in the order received, so case numbers rise with time as in an office.
    for _received, make in sorted(_plan(maker), key=lambda plan: plan[0]):
        make()
    _notifications_settle(maker, after_pk=last_notification)
    return maker.created
