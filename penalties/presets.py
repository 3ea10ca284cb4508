"""The five seed texts (第一篇 … 第五篇) as policy presets: plain data, installed by
`penalties.services.policy.policy_create_from_preset`.

Level names, descriptions and bases are Chinese data quoted from the source texts, not
interface strings. Each preset says only what its text says; the optional rules of practice
(three 诫勉教育 → one 效能告诫, bonus 15/30/50%) are left out and can be added in the admin.
"""

from dataclasses import dataclass

from penalties.engine import ConsequenceSpec, LevelSpec, RuleSpec, ViolationSpec

GOVERNMENT = "government"
SUBDISTRICT = "subdistrict"
BUREAU = "bureau"
COMPANY = "company"
INSURER = "insurer"
DEFAULT_PRESET = GOVERNMENT

INCOMPETENT = "incompetent"


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    source_title: str
    source: str
    levels: tuple[LevelSpec, ...]
    catalog: tuple[ViolationSpec, ...]
    rules: tuple[RuleSpec, ...] = ()
    consequences: tuple[ConsequenceSpec, ...] = ()
    leadership_chain: bool = False
    principal_leader_level: str = ""
    important_leader_level: str = ""
    unit_refusal_level: str = ""
    unit_correction_days: int = 20
    year_start_month: int = 1


# 第五篇：首问责任制范本 (government template) — the default.
_GOV_BASIS = "根据《关于机关工作人员诫勉教育和效能告诫暂行办法》的规定"
_GOVERNMENT = Preset(
    key=GOVERNMENT,
    name="首问责任制范本（政府机关）",
    source_title="第五篇：首问责任制范本",
    source=(
        "五、处理办法（一）单位未按《关于加强机关效能建设暂行规定》的要求，实行首问责任制的，"
        "给予该单位党政主要领导诫勉教育一次，限期改正；拒不改正的，给予该单位党政主要领导效能"
        "告诫一次；累计两次被效能告诫，当年考核定为不称职。（二）至（四）见违规目录。"
    ),
    levels=(
        LevelSpec("jiemian", "诫勉教育", 1),
        LevelSpec("xiaoneng", "效能告诫", 2),
        LevelSpec("buchengzhi", "不称职", 3, rating_floor=INCOMPETENT),
    ),
    catalog=(
        ViolationSpec(
            "unit_not_running",
            "单位未实行首问责任制",
            "jiemian",
            "五（一）单位未按《关于加强机关效能建设暂行规定》的要求，实行首问责任制的，"
            "给予该单位党政主要领导诫勉教育一次，限期改正；拒不改正的，给予该单位党政主要领导"
            "效能告诫一次。",
            unit_level=True,
            sort_order=10,
        ),
        ViolationSpec(
            "no_disclosure",
            "未告知自己的姓名、职责和联系电话",
            "jiemian",
            "五（二）首问责任人未按要求向来访者告知自己的姓名、职责和联系电话，"
            f"{_GOV_BASIS}，给予该责任人诫勉教育一次。",
            detection="no_disclosure",
            sort_order=20,
        ),
        ViolationSpec(
            "not_registered",
            "未认真听取意见、要求和投诉举报并做好登记和记录",
            "xiaoneng",
            "五（二）首问责任人未能认真听取来人（来电）的意见、要求和投诉举报反映的问题，"
            "并认真做好登记和记录，给该责任人效能告诫一次；累计两次被效能告诫，当年考核定为不称职。",
            detection="not_registered",
            sort_order=30,
        ),
        ViolationSpec(
            "not_handled",
            "职责范围内的事项未按规定及时处理",
            "xiaoneng",
            "五（三）属首问责任人所在处（室）职责范围内的事项，未按有关规定及时处理，"
            f"{_GOV_BASIS}，给予该责任人效能告诫一次。",
            detection="overdue",
            sort_order=40,
        ),
        ViolationSpec(
            "not_explained_once",
            "不能当场办理，未一次性解释清楚如何办理",
            "jiemian",
            "五（三）不能当场办理的，但未向当事人一次性解释清楚如何办理的给予诫勉教育一次。",
            detection="second_notice",
            sort_order=50,
        ),
        ViolationSpec(
            "not_guided",
            "不属本人职责，未指引到负责同志处，或负责人不在时未解释、指明并记录",
            "jiemian",
            "五（三）不属该责任人职责范围内的，但未将当事人指引到负责该工作的同志处，或因负责"
            "该工作的工作人员不在，而未做必要的解释工作，向当事人指明办事人的位置及联系电话、"
            "联系人，并进行记录的给予诫勉教育一次。",
            sort_order=60,
        ),
        ViolationSpec(
            "taboo_phrase",
            "使用“不知道”“不归我管”等服务忌语或简单生硬回绝",
            "jiemian",
            "五（四）首问责任人未能按要求做到：使用文明用语，热情接待，耐心听讲，认真受理，服务"
            "周到，而是使用了“不知道”、“不归我管”等语言敷衍塞责以及简单生硬的语言，给予诫勉教育一次。",
            detection="taboo_phrase",
            sort_order=70,
        ),
    ),
    rules=(
        RuleSpec(
            "xiaoneng",
            2,
            "rating",
            result_rating=INCOMPETENT,
            basis="五（一）（二）累计两次被效能告诫，当年考核定为不称职。",
        ),
    ),
    unit_refusal_level="xiaoneng",
)


# 第三篇：首问负责制 (sub-district office) — the leadership chain and assessment ties.
_SUBDISTRICT_PUNISH = (
    "五（三）违反本制度的首问责任人给予处罚，并与考核挂钩，一次内不得评优；两次考核定为不称职，"
    "内不得晋级，其所在股室不得评先，受到通报批评的，同时调离工作岗位或停岗培训。"
)
_SUBDISTRICT = Preset(
    key=SUBDISTRICT,
    name="首问负责制（街道办事处）",
    source_title="第三篇：首问责任制",
    source=(
        "五、处罚措施（一）违反该制度的首问责任人负直接责任，其所在股室的主要负责人负主要领导"
        "责任，分管领导负重要领导责任。（二）……视情节轻重依次给予警示提醒、诫勉督导、责令纠错"
        "或通报批评，直至纪律处分。" + _SUBDISTRICT_PUNISH
    ),
    levels=(
        LevelSpec("jingshi", "警示提醒", 1),
        LevelSpec("dudao", "诫勉督导", 2),
        LevelSpec("jiucuo", "责令纠错", 3),
        LevelSpec("tongbao", "通报批评", 4),
        LevelSpec("jilv", "纪律处分", 5),
    ),
    catalog=(
        ViolationSpec(
            "no_disclosure",
            "未告知自己的姓名、职责和联系方式",
            "jingshi",
            "二、要向来访（来电）者告知自己的姓名、职责和联系方式。" + _SUBDISTRICT_PUNISH,
            detection="no_disclosure",
            sort_order=10,
        ),
        ViolationSpec(
            "not_recorded",
            "未认真听取意见、建议、要求和投诉举报并做好记录",
            "jingshi",
            "二、认真听取来访（来电）者的意见、建议、要求和投诉举报反映的问题，必须认真做好记录。"
            + _SUBDISTRICT_PUNISH,
            detection="not_registered",
            sort_order=20,
        ),
        ViolationSpec(
            "not_in_time",
            "职责范围内的事未在承诺时限内及时办理",
            "jingshi",
            "三（一）对职责范围的事，若手续完备，首问责任人要在承诺的服务时限内，依法及时予以办理。"
            + _SUBDISTRICT_PUNISH,
            detection="overdue",
            sort_order=30,
        ),
        ViolationSpec(
            "not_one_notice",
            "手续不完备时未一次性告知需要补正的全部内容",
            "jingshi",
            "三（一）不能当场办理的，要向服务对象解释清楚如何办理，若手续不完备，应一次性告知需要"
            "补正的全部内容、要求和所需材料。" + _SUBDISTRICT_PUNISH,
            detection="second_notice",
            sort_order=40,
        ),
        ViolationSpec(
            "not_guided",
            "未引导到承办股落实经办人员，或未告知办事地点、联系方式和联系人",
            "jingshi",
            "三（二）（三）首问责任人应将服务对象引导到相应承办股，落实经办人员；对不属于本部门、"
            "本单位职责范围的事项，要予以耐心说明，并尽可能告知办事的具体地点、位置、联系方式和"
            "联系人。" + _SUBDISTRICT_PUNISH,
            detection="referral_unaccepted",
            sort_order=50,
        ),
        ViolationSpec(
            "taboo_or_refusal",
            "使用“不知道”“不归我管”等语言，或拒绝、推诿、拖办、置之不理",
            "jingshi",
            "四、严禁使用“不知道”、“不归我管”等语言，不得以任何借口拒绝、推诿、拖办或置之不理。"
            + _SUBDISTRICT_PUNISH,
            detection="taboo_phrase",
            sort_order=60,
        ),
        ViolationSpec(
            "complaints_poorly_handled",
            "对群众投诉落实工作不力、社会反映较差（班子成员、股室负责人）",
            "jingshi",
            "五（二）所单位班子成员、股室负责人……对群众投诉落实工作不力、社会反映较差，经调查"
            "核实的，视情节轻重依次给予警示提醒、诫勉督导、责令纠错或通报批评，直至纪律处分。",
            detection="low_rating",
            sort_order=70,
        ),
    ),
    rules=(
        RuleSpec(
            "jingshi",
            2,
            "rating",
            result_rating=INCOMPETENT,
            or_heavier=True,
            basis="五（三）两次考核定为不称职。",
        ),
    ),
    consequences=(
        ConsequenceSpec("no_excellence", min_count=1, basis="五（三）一次内不得评优。"),
        ConsequenceSpec("no_promotion", min_count=2, basis="五（三）两次……内不得晋级。"),
        ConsequenceSpec(
            "department_no_advanced", min_count=2, basis="五（三）两次……其所在股室不得评先。"
        ),
        ConsequenceSpec(
            "post_change",
            min_level="tongbao",
            basis="五（三）受到通报批评的，同时调离工作岗位或停岗培训。",
        ),
    ),
    leadership_chain=True,
    principal_leader_level="jingshi",
    important_leader_level="jingshi",
)


# 第二篇：首问责任制 (provincial bureau).
_BUREAU_LIGHT = "九、1、责任人没有做到首问责任要求尚未造成不良后果的，予以谈话告诫。"
_BUREAU = Preset(
    key=BUREAU,
    name="首问责任制（省局机关）",
    source_title="第二篇：街道首问责任制",
    source=(
        "九、对首问责任人的处理：1、责任人没有做到首问责任要求尚未造成不良后果的，予以谈话告诫。"
        "2、责任人接待推诿或刁难群众产生不良后果的，一经查实，给予批评教育，情节严重、影响恶劣的，"
        "给予当年考核不称职或直至纪律处分。十、对首问责任人的处理依据：1、对“责任要求”的执行"
        "情况及其产生的效果。2、群众的投诉信函（举报电话）、意见箱等。"
    ),
    levels=(
        LevelSpec("tanhua", "谈话告诫", 1),
        LevelSpec("piping", "批评教育", 2),
        LevelSpec("buchengzhi", "当年考核不称职", 3, rating_floor=INCOMPETENT),
        LevelSpec("jilv", "纪律处分", 4),
    ),
    catalog=(
        ViolationSpec(
            "uncivil",
            "未使用文明、规范用语（服务忌语）",
            "tanhua",
            "二、必须做到使用文明、规范的用语；耐心听讲，认真受理，服务周到。" + _BUREAU_LIGHT,
            detection="taboo_phrase",
            sort_order=10,
        ),
        ViolationSpec(
            "not_handled",
            "职责范围内的事项未及时接洽办理，或不能马上办理未耐心说明",
            "tanhua",
            "三、属于首问责任人所在处室职责范围的事项，要按有关规定及时接洽，能马上办理的即予办理，"
            "不能马上办理的，应耐心说明情况。" + _BUREAU_LIGHT,
            detection="overdue",
            sort_order=20,
        ),
        ViolationSpec(
            "not_directed",
            "未明确告知承办处室，或未与局办公室联系落实承办部门",
            "tanhua",
            "三、不属于首问责任人所在处室职责范围的事项，首问责任人要负责向对方明确地告知有关承办"
            "处室。四、属于业务不明确……要及时与局办公室联系，帮助落实有关承办部门。"
            + _BUREAU_LIGHT,
            detection="referral_unaccepted",
            sort_order=30,
        ),
        ViolationSpec(
            "not_registered",
            "来电反映、举报或投诉未登记在册、未做好记录",
            "tanhua",
            "六、首问责任人应将来电内容、来电人姓名、联系电话等登记在册；七、对于来投诉、报案、"
            "举报的群众……详细耐心地听取群众的陈述，并做好记录。" + _BUREAU_LIGHT,
            detection="not_registered",
            sort_order=40,
        ),
        ViolationSpec(
            "no_feedback",
            "一时无法答复的事项未登记、查询落实并反馈",
            "tanhua",
            "八、一时无法做出明确答复的情况，要认真做好登记工作，并及时查询落实，主动向群众做好"
            "说明解释工作和反馈工作。" + _BUREAU_LIGHT,
            sort_order=50,
        ),
        ViolationSpec(
            "prevarication_harm",
            "接待推诿或刁难群众产生不良后果（经查实）",
            "piping",
            "九、2、责任人接待推诿或刁难群众产生不良后果的，一经查实，给予批评教育。",
            detection="low_rating",
            sort_order=60,
        ),
        ViolationSpec(
            "prevarication_serious",
            "推诿或刁难群众，情节严重、影响恶劣",
            "buchengzhi",
            "九、2、情节严重、影响恶劣的，给予当年考核不称职或直至纪律处分。",
            sort_order=70,
        ),
    ),
)


# 第四篇：首问责任制 (company).
_COMPANY_PUNISH = (
    "（五）对违反首问制被投诉查有实据的，视情节将给予批评教育、通报、直至扣发奖金等处理。"
)
_COMPANY = Preset(
    key=COMPANY,
    name="首问责任制（公司）",
    source_title="第四篇：首问责任制",
    source=("（四）对遵守首问责任制的个人，群众评价好的，单位将予以表扬鼓励。" + _COMPANY_PUNISH),
    levels=(
        LevelSpec("piping", "批评教育", 1),
        LevelSpec("tongbao", "通报", 2),
        # The text does not say how much; "扣发奖金" read as the whole bonus — edit as needed.
        LevelSpec("koufa", "扣发奖金", 3, bonus_withheld_percent=100),
    ),
    catalog=(
        ViolationSpec(
            "not_answered",
            "职责范围内能解决的事未当即办理、未一次性告知",
            "piping",
            "（二）1、属首问人职责范围内能够解决的事，应当即办理，一次性告知有关事项。"
            + _COMPANY_PUNISH,
            detection="second_notice",
            sort_order=10,
        ),
        ViolationSpec(
            "not_registered",
            "经办人不在时未登记办事人单位、姓名、电话及事项并转交",
            "piping",
            "（二）2、首问人应将前来办事人的单位、姓名、联系电话及拟办事项等进行登记，并负责转交"
            "（告）经办负责人。" + _COMPANY_PUNISH,
            detection="not_registered",
            sort_order=20,
        ),
        ViolationSpec(
            "not_guided",
            "未告知或帮助联系其他部室，或未向对方解释、指导",
            "piping",
            "（二）3、4、首问人要主动告知对方所办事项的部室……不属于本公司职责范围的，应向对方作"
            "解释，并尽自己所知情况给予指导和帮助。" + _COMPANY_PUNISH,
            detection="referral_unaccepted",
            sort_order=30,
        ),
        ViolationSpec(
            "taboo_phrase",
            "使用服务忌语",
            "piping",
            "（二）5、使用文明用语，禁用服务忌语。" + _COMPANY_PUNISH,
            detection="taboo_phrase",
            sort_order=40,
        ),
        ViolationSpec(
            "delay",
            "办事拖拉推诿",
            "piping",
            "（二）5、不得……办事拖拉推诿。" + _COMPANY_PUNISH,
            detection="overdue",
            sort_order=50,
        ),
        ViolationSpec(
            "cold",
            "冷漠待人，敷衍塞责（被投诉查有实据）",
            "piping",
            "（二）5、不得冷漠待人，敷衍塞责。" + _COMPANY_PUNISH,
            detection="low_rating",
            sort_order=60,
        ),
    ),
    consequences=(ConsequenceSpec("bonus_withheld", min_level="koufa", basis=_COMPANY_PUNISH),),
)


# 第一篇：浅谈首问责任制 (an insurer's front desk) — an essay without a penalty clause.
_INSURER_NOTE = (
    "原文为学习体会，未规定处理办法；本预设按公司通行做法设置（谈话提醒，情节较重的通报批评）。"
)
_INSURER = Preset(
    key=INSURER,
    name="客户服务首问责任制（保险公司前台）",
    source_title="第一篇：浅谈首问责任制",
    source=(
        "首问责任制属公司工作人员基本岗位职责……对于接待的每件问题都追查到底，便于客户能解决问题。"
        + _INSURER_NOTE
    ),
    levels=(
        LevelSpec("tixing", "谈话提醒", 1),
        LevelSpec("tongbao", "通报批评", 2),
    ),
    catalog=(
        ViolationSpec(
            "not_followed_through",
            "接待的问题未追查到底、未及时解决",
            "tixing",
            "“对于接待的每件问题都追查到底，便于客户能解决问题。”" + _INSURER_NOTE,
            detection="overdue",
            sort_order=10,
        ),
        ViolationSpec(
            "poor_service",
            "服务态度差，客户不满意",
            "tixing",
            "“提高客户满意度……让每位客户都感受到我们公司对他们的关心。”" + _INSURER_NOTE,
            detection="low_rating",
            sort_order=20,
        ),
    ),
)


PRESETS: dict[str, Preset] = {
    preset.key: preset for preset in (_INSURER, _BUREAU, _SUBDISTRICT, _COMPANY, _GOVERNMENT)
}


def preset_get(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise ValueError(f"Unknown policy preset: {key!r}") from None
