"""The accountability demo on the demo bureau (某市市场监督管理局, made by `seed_demo`).

`manage.py seed_penalties_demo` (run by `seed_demo` at its end) puts the government preset
(第五篇) in force and gives a handful of staff records that show each consequence the preset
has. The preset has no 评优 / 晋级 consequence (those are 第三篇's): its consequences are the
sanctions themselves and, for two 效能告诫 in one year, the annual rating 不称职.

- 唐鹏 tangpeng: two verified 效能告诫 (complaints with the complainant's details, evidence
  and a statement each) → the annual rating 不称职, with both records as the reason;
- 徐明 xuming: one verified 效能告诫; 王芳 wangfang: one verified 诫勉教育;
- 吴晓玲 wuxiaoling: a 诫勉教育 revoked on appeal, with the reason (it no longer counts);
- 李晓雨 lixiaoyu: a complaint dismissed after investigation;
- 宋杰 songjie: an investigation waiting for his statement (申辩);
- 药品监管科: a unit-level violation — its head and supervising leader get 诫勉教育 and the
  unit a deadline to correct;
- 韩雪 hanxue: a letter of thanks; 周敏 zhoumin: a very satisfied rating recorded as a
  commendation;
- automatic proposals: `detect_violations` over the demo cases (taboo phrases, a second
  notice, missing disclosures, a low rating on one of 黄丽's cases).

Everything goes through the services, with time-machine moving the clock, so the records are
dated in the current assessment year, in order (report, investigation, statement, decision).
Each scenario is one unit: it is skipped when its violation (or commendation) is already there,
so running the command again writes nothing — no new rows, no history rows. The notifications
the services make are marked as emailed at once, so seeding sends no email (as `seed_demo`).

The texts are sample content (what an office would type in), so they are not translated.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inquiries.models import Department, Inquiry, Notification, Rating, Status, User
from inquiries.services.ratings import rating_submit
from penalties.models import Commendation, Policy, Sanction, Violation, ViolationType
from penalties.presets import GOVERNMENT

DISCIPLINE_OFFICER = "gaoyuan"  # 机关纪委书记: decides
INVESTIGATOR = "luoqian"  # 效能监察员: registers and investigates
INCOMPETENT_PERSON = "tangpeng"
UNIT_AT_FAULT = "YPJGK"
# The records are spread over at most this many days before now, within the current year.
SPAN_DAYS = 75


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    proposals: int = 0
    policy_installed: bool = False


@dataclass(frozen=True)
class Complaint:
    username: str
    type_code: str
    allegation: str
    complainant_name: str
    complainant_phone: str
    complaint_text: str
    statement: str = ""
    findings: str = ""
    evidence: str = ""
    source: str = Violation.Source.COMPLAINT_LETTER


TANGPENG_1 = Complaint(
    username="tangpeng",
    type_code="not_handled",
    allegation="反映电梯困人隐患的投诉，承诺10个工作日内答复，逾期未处理也未说明原因。",
    complainant_name="赵女士",
    complainant_phone="13905310001",
    complaint_text="我小区3号楼电梯多次困人，打电话投诉半个月了，没有任何人联系我。",
    statement="当时正在参加全省特种设备专项检查，忘记转交同事，承认处理不及时。",
    findings="经查，该件属本人职责范围，超过承诺时限7个工作日未处理，情况属实。",
    evidence="案件记录显示期限届满时仍未办理；投诉人来信原件（仅纪检可见）。",
)
TANGPENG_2 = Complaint(
    username="tangpeng",
    type_code="not_registered",
    allegation="来电反映锅炉安全问题，未做登记和记录，来电人再次来电时无从查询。",
    complainant_name="钱先生",
    complainant_phone="13905310002",
    complaint_text="上周打电话反映锅炉房冒烟，今天再问，说没有记录。",
    statement="来电时正在外出检查，用手机接听后未及时补登记。",
    findings="经查，来电记录中无该次来电登记，通话记录证实来电属实，未登记属实。",
    evidence="总机通话记录与登记簿比对：该次来电无登记。",
    source=Violation.Source.HOTLINE,
)
XUMING = Complaint(
    username="xuming",
    type_code="not_handled",
    allegation="个体工商户变更登记申请材料齐全，超过承诺时限未办结。",
    complainant_name="孙先生",
    complainant_phone="13905310003",
    complaint_text="变更登记材料交齐两周了，说好5个工作日，到现在还没办好。",
    statement="因系统升级暂停受理三天，但未向申请人说明，承认有责任。",
    findings="经查，系统暂停不足以说明超时，且未告知申请人，处理不及时属实。",
    evidence="案件记录：受理日期与办结日期。",
)
WANGFANG = Complaint(
    username="wangfang",
    type_code="no_disclosure",
    allegation="窗口接待来访群众时未告知自己的姓名、职责和联系电话。",
    complainant_name="周女士",
    complainant_phone="13905310004",
    complaint_text="窗口工作人员没戴工牌，问她姓什么也不说，后来想再问进度找不到人。",
    statement="当天工牌遗失，口头未主动告知，以后注意。",
    findings="经查看窗口监控和登记记录，未告知姓名、职责和联系电话属实。",
    evidence="窗口监控截图说明；登记记录中“已告知”未勾选。",
    source=Violation.Source.SUGGESTION_BOX,
)
WUXIAOLING = Complaint(
    username="wuxiaoling",
    type_code="taboo_phrase",
    allegation="电话咨询时答复“这不归我管”，简单生硬。",
    complainant_name="吴先生",
    complainant_phone="13905310005",
    complaint_text="打电话问食品经营许可，对方说“这不归我管”就挂了。",
    statement="该电话实为同事接听，我当天休假，请核实排班表。",
    findings="据投诉人描述及来电时间，认定为本人接听。",
    evidence="来电登记记录。",
)
REVOCATION_REASON = (
    "申诉复核：排班表和考勤记录证实当天本人休假，电话由他人接听，原认定有误，予以撤销。"
)
LIXIAOYU = Complaint(
    username="lixiaoyu",
    type_code="taboo_phrase",
    allegation="窗口办理时态度生硬，称“材料不全，回去准备齐了再来”。",
    complainant_name="郑女士",
    complainant_phone="13905310006",
    complaint_text="窗口说材料不全让我回去，也没说缺什么。",
)
DISMISSAL_NOTE = (
    "经查，窗口已出具一次性告知单，列明全部所缺材料，投诉所述用语无证据支持，不予认定。"
)
SONGJIE = Complaint(
    username="songjie",
    type_code="taboo_phrase",
    allegation="热线接听时答复“你去投诉好了”。",
    complainant_name="王先生",
    complainant_phone="13905310007",
    complaint_text="打热线反映问题，接线员说“你去投诉好了”。",
    source=Violation.Source.HOTLINE,
)
UNIT_ALLEGATION = "药品监管科未建立首问登记制度，来访来电均无登记记录，未实行首问责任制。"
UNIT_FINDINGS = "经抽查该科近三个月来访来电，均无首问登记，未实行首问责任制属实。"
THANKS_LETTER = "来信感谢韩雪同志耐心受理消费投诉，三天内帮助追回预付卡余额。"
RATING_COMMENT = "周敏同志耐心细致，一次就讲清楚了需要的材料，非常满意！"
LOW_RATING_COMMENT = "等了很久没人回复，不满意。"


class _Clock:
    """Moments between the start of the span and now, as fractions (0 … 1) of it."""

    def __init__(self, now: datetime.datetime):
        import time_machine  # a dev dependency; the demo runs only in development

        self._travel = time_machine.travel
        self.now = now
        local_now = timezone.localtime(now)
        year_start = datetime.datetime(
            local_now.year, 1, 1, 9, 0, tzinfo=timezone.get_current_timezone()
        )
        self.start = max(year_start, now - datetime.timedelta(days=SPAN_DAYS))
        self.end = now - datetime.timedelta(minutes=30)
        if self.end <= self.start:
            self.start = self.end = now

    def moment(self, fraction: float) -> datetime.datetime:
        return self.start + (self.end - self.start) * fraction

    def at(self, fraction: float, action: Callable):
        with self._travel(self.moment(fraction), tick=False):
            return action()


class _Seeder:
    def __init__(self, *, now: datetime.datetime):
        self.clock = _Clock(now)
        self.users = {
            user.username: user for user in User.objects.select_related("profile__department")
        }
        self.officer = self.users[DISCIPLINE_OFFICER]
        self.investigator = self.users[INVESTIGATOR]
        self.result = DemoResult()

    # -- lookups --

    def policy(self) -> Policy:
        from penalties.services.policy import policy_activate, policy_create_from_preset

        active = Policy.objects.filter(is_active=True).first()
        if active is not None and active.preset == GOVERNMENT:
            return active
        existing = Policy.objects.filter(preset=GOVERNMENT).order_by("pk").first()
        self.result.policy_installed = True
        if existing is not None:
            return policy_activate(policy=existing)
        return policy_create_from_preset(preset=GOVERNMENT, activate=True)

    def violation_type(self, code: str) -> ViolationType:
        return self.policy_in_force.violation_types.get(code=code)

    def cases_of(self, user: User) -> list[Inquiry]:
        return list(Inquiry.objects.filter(first_responder=user).order_by("received_at", "pk")[:4])

    def closed_case_of(self, user: User, *, before: datetime.datetime) -> Inquiry | None:
        return (
            Inquiry.objects.filter(
                first_responder=user,
                status=Status.CLOSED,
                closed_at__lt=before,
                rating__isnull=True,
            )
            .order_by("-closed_at", "-pk")
            .first()
        )

    # -- scenarios --

    def complaint(
        self, complaint: Complaint, *, steps: tuple[float, ...], case_index: int = 0
    ) -> Violation | None:
        """Report a complaint and take it as far as `steps` go: report, investigation (with
        evidence), statement, verification. Skipped when it is there already."""
        from penalties.services import violations as services

        person = self.users[complaint.username]
        if Violation.objects.filter(person=person, allegation=complaint.allegation).exists():
            return None
        cases = self.cases_of(person)
        inquiry = cases[min(case_index, len(cases) - 1)] if cases else None
        violation = self.clock.at(
            steps[0],
            lambda: services.violation_report(
                department=person.profile.department,
                source=complaint.source,
                allegation=complaint.allegation,
                occurred_on=timezone.localdate(self.clock.moment(steps[0])),
                person=person,
                reported_by=self.investigator,
                inquiry=inquiry,
                complainant_name=complaint.complainant_name,
                complainant_phone=complaint.complainant_phone,
                complaint_text=complaint.complaint_text,
            ),
        )
        self.result.created.append(violation.number)
        if len(steps) > 1:
            violation = self.clock.at(
                steps[1],
                lambda: services.violation_open_investigation(
                    violation=violation, by=self.officer, investigator=self.investigator
                ),
            )
            if complaint.evidence:
                self.clock.at(
                    steps[1],
                    lambda: services.evidence_add(
                        violation=violation,
                        by=self.investigator,
                        description=complaint.evidence,
                        inquiry=inquiry,
                    ),
                )
        if len(steps) > 2 and complaint.statement:
            self.clock.at(
                steps[2],
                lambda: services.statement_submit(
                    violation=violation, author=person, text=complaint.statement
                ),
            )
        if len(steps) > 3:
            violation = self.clock.at(
                steps[3],
                lambda: services.violation_verify(
                    violation=violation,
                    by=self.officer,
                    violation_type=self.violation_type(complaint.type_code),
                    findings=complaint.findings,
                ),
            )
        return violation

    def revoked(self) -> None:
        from penalties.services.sanctions import sanction_revoke

        violation = self.complaint(WUXIAOLING, steps=(0.15, 0.17, 0.19, 0.23))
        if violation is None:
            return
        sanction = violation.sanctions.get(responsibility=Sanction.Responsibility.DIRECT)
        self.clock.at(
            0.45,
            lambda: sanction_revoke(sanction=sanction, by=self.officer, reason=REVOCATION_REASON),
        )

    def dismissed(self) -> None:
        from penalties.services.violations import violation_dismiss

        violation = self.complaint(LIXIAOYU, steps=(0.40, 0.42))
        if violation is None:
            return
        self.clock.at(
            0.48,
            lambda: violation_dismiss(violation=violation, by=self.officer, note=DISMISSAL_NOTE),
        )

    def unit_level(self) -> None:
        from penalties.services import violations as services

        unit = Department.objects.get(code=UNIT_AT_FAULT)
        if Violation.objects.filter(department=unit, allegation=UNIT_ALLEGATION).exists():
            return
        violation = self.clock.at(
            0.80,
            lambda: services.violation_report(
                department=unit,
                source=Violation.Source.SUPERVISOR,
                allegation=UNIT_ALLEGATION,
                occurred_on=timezone.localdate(self.clock.moment(0.80)),
                reported_by=self.investigator,
            ),
        )
        self.result.created.append(violation.number)
        violation = self.clock.at(
            0.82,
            lambda: services.violation_open_investigation(
                violation=violation, by=self.officer, investigator=self.investigator
            ),
        )
        self.clock.at(
            0.85,
            lambda: services.violation_verify(
                violation=violation,
                by=self.officer,
                violation_type=self.violation_type("unit_not_running"),
                findings=UNIT_FINDINGS,
            ),
        )

    def commendations(self) -> None:
        from penalties.services.commendations import commendation_record

        hanxue = self.users["hanxue"]
        if not Commendation.objects.filter(person=hanxue, text=THANKS_LETTER).exists():
            commendation = self.clock.at(
                0.30,
                lambda: commendation_record(
                    person=hanxue,
                    source=Commendation.Source.LETTER,
                    text=THANKS_LETTER,
                    by=self.investigator,
                    received_on=timezone.localdate(self.clock.moment(0.28)),
                ),
            )
            self.result.created.append(f"commendation:{commendation.pk}")

        zhoumin = self.users["zhoumin"]
        if Commendation.objects.filter(person=zhoumin, source=Commendation.Source.RATING).exists():
            return
        rating = Rating.objects.filter(
            inquiry__first_responder=zhoumin, level=Rating.Level.VERY_SATISFIED
        ).first()
        if rating is None:
            case = self.closed_case_of(zhoumin, before=self.clock.moment(0.68))
            if case is None:
                return
            rating = self.clock.at(
                0.68,
                lambda: rating_submit(
                    inquiry=case,
                    level=Rating.Level.VERY_SATISFIED,
                    comment=RATING_COMMENT,
                    source=Rating.Source.TRACKING_PAGE,
                ),
            )
        commendation = self.clock.at(
            0.70,
            lambda: commendation_record(
                person=zhoumin,
                source=Commendation.Source.RATING,
                text=RATING_COMMENT,
                by=self.investigator,
                rating=rating,
                received_on=timezone.localdate(rating.rated_at),
            ),
        )
        self.result.created.append(f"commendation:{commendation.pk}")

    def low_rating(self) -> None:
        """A 不满意 rating on one of 黄丽's cases, for detection to propose."""
        huangli = self.users["huangli"]
        if Rating.objects.filter(
            inquiry__first_responder=huangli, comment=LOW_RATING_COMMENT
        ).exists():
            return
        case = self.closed_case_of(huangli, before=self.clock.moment(0.75))
        if case is None:
            return
        self.clock.at(
            0.75,
            lambda: rating_submit(
                inquiry=case,
                level=Rating.Level.DISSATISFIED,
                comment=LOW_RATING_COMMENT,
                source=Rating.Source.TRACKING_PAGE,
            ),
        )

    def waiting_for_statement(self) -> None:
        # Opened just now, so the statement is still due whatever the day.
        self.complaint(SONGJIE, steps=(0.97, 1.0))

    def run(self) -> DemoResult:
        from penalties.services.detection import detection_run

        self.policy_in_force = self.policy()
        self.complaint(TANGPENG_1, steps=(0.10, 0.12, 0.15, 0.20), case_index=0)
        self.revoked()
        self.complaint(WANGFANG, steps=(0.25, 0.27, 0.29, 0.33))
        self.complaint(XUMING, steps=(0.35, 0.37, 0.39, 0.43))
        self.dismissed()
        self.complaint(TANGPENG_2, steps=(0.55, 0.57, 0.60, 0.66), case_index=1)
        self.commendations()
        self.low_rating()
        self.unit_level()
        self.waiting_for_statement()
        self.result.proposals = len(detection_run(now=self.clock.now).proposals)
        return self.result


def _notifications_settle(after_pk: int) -> None:
    """Mark the demo's notifications as emailed when made, so no email goes out (as the demo
    cases do; `bulk_update` writes no history, as there)."""
    notifications = list(Notification.objects.filter(pk__gt=after_pk, emailed_at__isnull=True))
    for notification in notifications:
        notification.emailed_at = notification.created_at
    Notification.objects.bulk_update(notifications, ["emailed_at"], batch_size=500)


@transaction.atomic
def penalties_demo_seed(*, now: datetime.datetime | None = None) -> DemoResult:
    """Create the accountability demo unless it is there; see the module docstring."""
    if not User.objects.filter(username__in=[DISCIPLINE_OFFICER, INVESTIGATOR]).exists():
        raise LookupError("The demo bureau is not there: run seed_demo first.")
    last_notification = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    result = _Seeder(now=now or timezone.now()).run()
    _notifications_settle(last_notification)
    return result


# Who to sign in as, and what they show (printed by the command).
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("gaoyuan", "纪检：全部违规、考核与表扬；作出决定"),
    ("luoqian", "纪检：调查、登记投诉与表扬、好差评跟进"),
    ("tangpeng", "两次效能告诫 → 年度考核不称职"),
    ("xuming", "一次效能告诫"),
    ("wangfang", "一次诫勉教育"),
    ("wuxiaoling", "诫勉教育经申诉撤销"),
    ("lixiaoyu", "投诉经调查不予认定"),
    ("songjie", "调查中，等待本人申辩"),
    ("fengyan", "单位未实行首问责任制：诫勉教育并限期改正"),
    ("zhoumin", "好评转为表扬"),
    ("hanxue", "感谢信表扬"),
)
