"""Commendations (表扬) and the rating follow-up page: recorded by the discipline role, never
deleted, counted in the standing, and a rating turns into at most one commendation and at most
one proposed violation. Who rated never shows."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from inquiries import services
from inquiries.models import Channel, Kind, Rating
from penalties.models import Commendation, Detection, Policy, Standing, Violation
from penalties.services.commendations import commendation_record, commendation_withdraw
from penalties.services.core import PenaltyError
from penalties.services.detection import detection_run
from tests.case_helpers import at, make_bureau, make_person

NOW = at(2026, 11, 10, 9)
TODAY = NOW.date()
REQUESTER_NAME = "李明"
REQUESTER_PHONE = "13812345678"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def government_policy() -> Policy:
    policy = Policy.objects.filter(is_active=True).first()
    if policy is not None and policy.preset == "government":
        return policy
    from penalties.services.policy import policy_create_from_preset

    Policy.objects.filter(is_active=True).update(is_active=False)
    return policy_create_from_preset(preset="government", activate=True)


class Org:
    pass


@pytest.fixture
def org(db):
    government_policy()
    _unit, _office, licensing, _complaints = make_bureau()
    org = Org()
    org.licensing = licensing
    org.clerk = make_person(licensing)
    org.colleague = make_person(licensing)
    org.discipline = make_person(licensing, roles=("discipline",))
    return org


def closed_case(by):
    with time_machine.travel(at(2026, 11, 5), tick=False):
        inquiry = services.inquiry_register(
            by=by,
            channel=Channel.VISIT,
            kind=Kind.CONSULTATION,
            requester=services.Requester(name=REQUESTER_NAME, phone=REQUESTER_PHONE),
            subject="咨询营业执照办理",
            content="来人询问个体工商户营业执照如何办理。",
            disclosure_given=True,
        )
        return services.inquiry_close(
            inquiry=inquiry,
            by=by,
            result="已当场答复。",
            feedback_method="on_the_spot",
            feedback_at=at(2026, 11, 5),
        )


def rate(inquiry, level, comment=f"{REQUESTER_NAME}：服务很耐心，谢谢！"):
    return Rating.objects.create(
        inquiry=inquiry,
        level=level,
        comment=comment,
        source=Rating.Source.TRACKING_PAGE,
        rated_at=at(2026, 11, 7),
    )


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Services -----------------------------------------------------------------------------


def test_a_commendation_counts_in_the_standing_of_its_year(org):
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.LETTER,
        text="群众来信感谢耐心解答。",
        by=org.discipline,
        received_on=datetime.date(2026, 3, 2),
    )

    standing = Standing.objects.get(person=org.clerk, year=2026)
    assert standing.commendations == 1
    assert commendation.recorded_by == org.discipline
    assert commendation.recorded_at == NOW


def test_a_withdrawn_commendation_stays_with_its_reason_and_stops_counting(org):
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.BANNER,
        text="送锦旗。",
        by=org.discipline,
        received_on=TODAY,
    )

    commendation_withdraw(commendation=commendation, by=org.discipline, reason="记错了人。")

    commendation.refresh_from_db()
    assert commendation.withdrawn_at == NOW
    assert commendation.withdrawal_reason == "记错了人。"
    assert Standing.objects.get(person=org.clerk, year=2026).commendations == 0
    assert commendation.history.count() == 2
    with pytest.raises(PenaltyError):
        commendation_withdraw(commendation=commendation, by=org.discipline, reason="again")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"text": "  "}, "text_required"),
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "future"),
        ({"self": True}, "self"),
    ],
)
def test_a_commendation_needs_text_a_past_day_and_someone_else(org, change, code):
    kwargs = {
        "person": org.clerk,
        "source": Commendation.Source.LETTER,
        "text": "感谢信。",
        "by": org.discipline,
        "received_on": TODAY,
    }
    if change.pop("self", False):
        kwargs["person"] = org.discipline
    kwargs.update(change)

    with pytest.raises(PenaltyError) as refused:
        commendation_record(**kwargs)

    assert refused.value.code == code
    assert not Commendation.objects.exists()


def test_withdrawing_needs_a_reason(org):
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.LETTER,
        text="感谢信。",
        by=org.discipline,
        received_on=TODAY,
    )

    with pytest.raises(PenaltyError):
        commendation_withdraw(commendation=commendation, by=org.discipline, reason=" ")


def test_a_rating_becomes_at_most_one_commendation(org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED)
    kwargs = {
        "person": org.clerk,
        "source": Commendation.Source.RATING,
        "text": "服务很耐心。",
        "by": org.discipline,
        "rating": rating,
        "received_on": TODAY,
    }
    first = commendation_record(**kwargs)

    with pytest.raises(PenaltyError) as refused:
        commendation_record(**kwargs)

    assert refused.value.code == "rating_used"
    assert list(Commendation.objects.all()) == [first]
    assert first.inquiry == rating.inquiry


def test_only_a_very_satisfied_rating_becomes_a_commendation(org):
    rating = rate(closed_case(org.clerk), Rating.Level.SATISFIED)

    with pytest.raises(PenaltyError):
        commendation_record(
            person=org.clerk,
            source=Commendation.Source.RATING,
            text="还行。",
            by=org.discipline,
            rating=rating,
            received_on=TODAY,
        )


# --- Views: who may do what ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "needs_pk"),
    [
        ("get", "penalties:commendation_new", False),
        ("post", "penalties:commendation_new", False),
        ("get", "penalties:rating_followup", False),
        ("post", "penalties:rating_commend", True),
        ("post", "penalties:rating_propose", True),
        ("post", "penalties:commendation_withdraw", True),
    ],
)
def test_staff_without_the_discipline_role_are_refused(client, org, method, name, needs_pk):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_DISSATISFIED)
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.LETTER,
        text="感谢信。",
        by=org.discipline,
        received_on=TODAY,
    )
    pk = rating.pk if "rating" in name else commendation.pk
    url = reverse(name, args=[pk] if needs_pk else [])
    english(client, org.clerk)

    response = getattr(client, method)(url, {"reason": "x", "r1-text": "x"})

    assert response.status_code == 403
    assert Commendation.objects.count() == 1
    assert not Violation.objects.exists()
    commendation.refresh_from_db()
    assert commendation.withdrawn_at is None


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, org):
    response = client.get(reverse("penalties:commendation_list"))

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- Views: the commendation list and form ------------------------------------------------


def test_the_discipline_role_records_a_commendation(client, org):
    english(client, org.discipline)
    assert client.get(reverse("penalties:commendation_new")).status_code == 200
    inquiry = closed_case(org.clerk)

    response = client.post(
        reverse("penalties:commendation_new"),
        {
            "person": org.clerk.username,
            "source": Commendation.Source.LETTER,
            "text": "来信感谢窗口耐心细致。",
            "case_number": inquiry.number,
            "received_on": "2026-11-09",
        },
    )

    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.person == org.clerk
    assert commendation.inquiry == inquiry
    page = client.get(reverse("penalties:commendation_list")).content.decode()
    assert "来信感谢窗口耐心细致。" in page
    assert inquiry.number in page


def test_a_refused_commendation_keeps_the_input(client, org):
    english(client, org.discipline)

    response = client.post(
        reverse("penalties:commendation_new"),
        {
            "person": org.discipline.username,
            "source": Commendation.Source.LETTER,
            "text": "自己表扬自己。",
            "received_on": "2026-11-09",
        },
    )

    assert response.status_code == 400
    assert "You cannot record a commendation for yourself." in response.content.decode()
    assert not Commendation.objects.exists()


def test_the_person_praised_sees_their_own_commendations_without_the_rater(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED)
    commendation_record(
        person=org.clerk,
        source=Commendation.Source.RATING,
        text="服务很耐心，谢谢！",
        by=org.discipline,
        rating=rating,
        received_on=TODAY,
    )
    commendation_record(
        person=org.colleague,
        source=Commendation.Source.LETTER,
        text="给同事的感谢信。",
        by=org.discipline,
        received_on=TODAY,
    )
    english(client, org.clerk)

    response = client.get(reverse("penalties:commendation_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "My commendations" in page
    assert "服务很耐心，谢谢！" in page
    assert "给同事的感谢信。" not in page
    for private in (REQUESTER_NAME, REQUESTER_PHONE, rating.inquiry.number):
        assert private not in page


def test_the_discipline_role_withdraws_a_commendation(client, org):
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.LETTER,
        text="感谢信。",
        by=org.discipline,
        received_on=TODAY,
    )
    english(client, org.discipline)

    response = client.post(
        reverse("penalties:commendation_withdraw", args=[commendation.pk]),
        {"reason": "重复登记。"},
    )

    assert response.status_code == 302
    commendation.refresh_from_db()
    assert commendation.withdrawal_reason == "重复登记。"
    assert Commendation.objects.count() == 1


# --- Views: the rating follow-up page -----------------------------------------------------


def test_the_follow_up_page_lists_praise_and_low_ratings_without_the_raters_identity(client, org):
    praised = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED, comment="非常耐心")
    low = rate(closed_case(org.colleague), Rating.Level.DISSATISFIED, comment="等太久")
    rate(closed_case(org.clerk), Rating.Level.SATISFIED, comment="还可以")
    rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED, comment="")
    english(client, org.discipline)

    response = client.get(reverse("penalties:rating_followup"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "非常耐心" in page
    assert "等太久" in page
    assert "还可以" not in page
    assert page.count('id="rating-') == 2
    # The discipline role sees the case numbers, never who rated.
    assert praised.inquiry.number in page
    assert low.inquiry.number in page
    assert REQUESTER_NAME not in page
    assert REQUESTER_PHONE not in page


def test_the_follow_up_page_costs_the_same_queries_for_many_ratings(
    client, org, django_assert_max_num_queries
):
    for _ in range(6):
        rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED, comment="好")
        rate(closed_case(org.clerk), Rating.Level.VERY_DISSATISFIED, comment="差")
    english(client, org.discipline)

    # Session, user, permissions, navigation counts; the ratings and the proposals: no N+1.
    with django_assert_max_num_queries(20):
        assert client.get(reverse("penalties:rating_followup")).status_code == 200


def test_a_very_satisfied_rating_is_recorded_once_as_a_commendation(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED)
    english(client, org.discipline)
    url = reverse("penalties:rating_commend", args=[rating.pk])
    data = {f"r{rating.pk}-text": "服务很耐心。"}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == second.status_code == 302
    followed = client.get(second["Location"]).content.decode()
    assert "already recorded as a commendation" in followed
    commendation = Commendation.objects.get()
    assert commendation.rating == rating
    assert commendation.person == org.clerk
    assert commendation.source == Commendation.Source.RATING
    assert commendation.received_on == datetime.date(2026, 11, 7)
    page = client.get(reverse("penalties:rating_followup")).content.decode()
    assert f'action="{url}"' not in page


def test_a_low_rating_is_proposed_once_and_detection_does_not_duplicate_it(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_DISSATISFIED, comment="态度差")
    english(client, org.discipline)
    url = reverse("penalties:rating_propose", args=[rating.pk])

    first = client.post(url)
    second = client.post(url)
    detection_run()

    violation = Violation.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("penalties:violation_detail", args=[violation.pk])
    assert violation.detection_key == f"rating:{rating.pk}"
    assert violation.source == Violation.Source.RATING
    assert violation.state == Violation.State.PROPOSED
    assert violation.person == org.clerk
    assert violation.reported_by == org.discipline
    assert violation.violation_type is None or (
        violation.violation_type.detection == Detection.LOW_RATING
    )
    for private in (REQUESTER_NAME, REQUESTER_PHONE, "态度差"):
        assert private not in violation.allegation
    page = client.get(reverse("penalties:rating_followup")).content.decode()
    assert violation.number in page


def test_detection_first_then_the_button_finds_the_same_proposal(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.DISSATISFIED)
    detection_run()
    english(client, org.discipline)

    client.post(reverse("penalties:rating_propose", args=[rating.pk]))

    assert Violation.objects.count() == 1


def test_a_good_rating_cannot_be_proposed_as_a_violation(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED)
    english(client, org.discipline)

    response = client.post(reverse("penalties:rating_propose", args=[rating.pk]))

    assert response.status_code == 404
    assert not Violation.objects.exists()


def test_a_rating_commendation_without_text_is_refused_with_the_form_kept(client, org):
    rating = rate(closed_case(org.clerk), Rating.Level.VERY_SATISFIED)
    english(client, org.discipline)

    response = client.post(
        reverse("penalties:rating_commend", args=[rating.pk]), {f"r{rating.pk}-text": " "}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Commendation.objects.exists()


def test_a_long_withdrawal_reason_is_kept_whole(org):
    commendation = commendation_record(
        person=org.clerk,
        source=Commendation.Source.BANNER,
        text="送锦旗。",
        by=org.discipline,
        received_on=TODAY,
    )
    reason = "经核实，锦旗系赠予另一位同事，登记时误记在本人名下。" * 6  # over 100 characters

    commendation_withdraw(commendation=commendation, by=org.discipline, reason=reason)

    commendation.refresh_from_db()
    assert commendation.withdrawal_reason == reason
