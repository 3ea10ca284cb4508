"""The escalation engine, table by table for every preset (no database)."""

import dataclasses
import datetime

import pytest

from penalties.engine import (
    BONUS_WITHHELD,
    DEPARTMENT_NO_ADVANCED,
    EXCLUDED_OTHER_YEAR,
    EXCLUDED_PROPOSED,
    EXCLUDED_REVOKED,
    EXCLUDED_WITHDRAWN,
    NO_EXCELLENCE,
    NO_PROMOTION,
    POST_CHANGE,
    CommendationRecord,
    LevelSpec,
    PolicySpec,
    RuleSpec,
    SanctionRecord,
    assessment_year,
    standing_compute,
    unit_correction_overdue,
    year_bounds,
)
from penalties.presets import PRESETS

ALL_PRESETS = sorted(PRESETS)
D = datetime.date
YEAR = 2026
MARCH_1 = D(YEAR, 3, 1)


def spec(preset: str, *rules: RuleSpec, **changes) -> PolicySpec:
    base = PolicySpec.from_preset(preset)
    return dataclasses.replace(base, rules=base.rules + rules, **changes)


def rec(pk, level, day=MARCH_1, state="in_force"):
    return SanctionRecord(id=pk, level_code=level, decided_on=day, state=state, label=f"#{pk}")


def run(policy, *records, year=YEAR, commendations=()):
    return standing_compute(
        policy=policy, year=year, sanctions=list(records), commendations=commendations
    )


# -- each level alone -------------------------------------------------------------------------

# preset -> level -> (rating floor, consequences, bonus %)
ALONE = {
    "government": {
        "jiemian": ("", set(), 0),
        "xiaoneng": ("", set(), 0),
        "buchengzhi": ("incompetent", {NO_EXCELLENCE}, 0),
    },
    "subdistrict": {
        "jingshi": ("", {NO_EXCELLENCE}, 0),
        "dudao": ("", {NO_EXCELLENCE}, 0),
        "jiucuo": ("", {NO_EXCELLENCE}, 0),
        "tongbao": ("", {NO_EXCELLENCE, POST_CHANGE}, 0),
        "jilv": ("", {NO_EXCELLENCE, POST_CHANGE}, 0),
    },
    "bureau": {
        "tanhua": ("", set(), 0),
        "piping": ("", set(), 0),
        "buchengzhi": ("incompetent", {NO_EXCELLENCE}, 0),
        "jilv": ("", set(), 0),
    },
    "company": {
        "piping": ("", set(), 0),
        "tongbao": ("", set(), 0),
        "koufa": ("", {BONUS_WITHHELD}, 100),
    },
    "insurer": {"tixing": ("", set(), 0), "tongbao": ("", set(), 0)},
}


def test_the_alone_table_covers_every_level_of_every_preset():
    assert {key: set(levels) for key, levels in ALONE.items()} == {
        key: {level.code for level in PolicySpec.from_preset(key).levels} for key in PRESETS
    }


@pytest.mark.parametrize(
    ("preset", "level", "expected"),
    [(p, level, exp) for p, levels in ALONE.items() for level, exp in levels.items()],
)
def test_one_sanction_of_each_level_alone(preset, level, expected):
    floor, consequences, bonus = expected
    result = run(PolicySpec.from_preset(preset), rec(7, level))
    assert [r.id for r in result.counted] == [7]
    assert result.rating_floor == floor
    assert result.rating_floor_reasons == ((7,) if floor else ())
    assert set(result.consequences) == consequences
    assert all(ids == (7,) for ids in result.consequences.values())
    assert result.bonus_withheld_percent == bonus
    assert result.escalations == ()


# -- two warnings -> 不称职 ---------------------------------------------------------------------

# preset -> (the level counted twice, whether the preset's own text has the rule)
TWO_WARNINGS = {
    "government": ("xiaoneng", True),
    "subdistrict": ("jingshi", True),
    "bureau": ("piping", False),
    "company": ("tongbao", False),
    "insurer": ("tongbao", False),
}


def two_rule_policy(preset):
    level, builtin = TWO_WARNINGS[preset]
    if builtin:
        return PolicySpec.from_preset(preset), level
    return spec(preset, RuleSpec(level, 2, "rating", result_rating="incompetent")), level


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_two_warnings_in_a_year_force_incompetent_with_both_as_the_reason(preset):
    policy, level = two_rule_policy(preset)
    result = run(policy, rec(11, level, D(YEAR, 2, 1)), rec(12, level, D(YEAR, 11, 30)))
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (11, 12)
    [escalation] = result.escalations
    assert escalation.result == "rating"
    assert escalation.reason_ids == (11, 12)
    assert result.consequences[NO_EXCELLENCE] == (11, 12)


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_one_warning_does_not_force_a_rating(preset):
    policy, level = two_rule_policy(preset)
    result = run(policy, rec(11, level))
    assert result.rating_floor == ""
    assert result.escalations == ()


@pytest.mark.parametrize("preset", ["government", "bureau", "company", "insurer"])
def test_the_built_in_two_warnings_rule_exists_only_where_the_text_says_so(preset):
    level, builtin = TWO_WARNINGS[preset]
    result = run(PolicySpec.from_preset(preset), rec(1, level), rec(2, level))
    assert (result.rating_floor == "incompetent") is builtin


# -- three 诫勉教育 -> one 效能告诫 (an added rule of practice) ------------------------------------


def three_rule_policy(preset, *more):
    levels = PolicySpec.from_preset(preset).levels
    light, next_level = levels[0].code, levels[1].code
    rule = RuleSpec(light, 3, "sanction", result_level=next_level)
    return spec(preset, rule, *more), light, next_level


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_three_of_the_lightest_become_one_of_the_next_level(preset):
    policy, light, next_level = three_rule_policy(preset)
    result = run(policy, rec(1, light), rec(2, light), rec(3, light))
    sanction_escalations = [e for e in result.escalations if e.result == "sanction"]
    assert len(sanction_escalations) == 1
    assert sanction_escalations[0].level_code == next_level
    assert sanction_escalations[0].reason_ids == (1, 2, 3)


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_two_of_the_lightest_do_not_escalate(preset):
    policy, light, _next = three_rule_policy(preset)
    result = run(policy, rec(1, light), rec(2, light))
    assert [e for e in result.escalations if e.result == "sanction"] == []


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_five_of_the_lightest_make_one_escalation_from_the_earliest_three(preset):
    policy, light, _next = three_rule_policy(preset)
    days = [D(YEAR, month, 1) for month in (5, 1, 3, 2, 4)]
    result = run(policy, *(rec(pk, light, day) for pk, day in zip(range(1, 6), days, strict=True)))
    [escalation] = [e for e in result.escalations if e.result == "sanction"]
    assert escalation.reason_ids == (2, 3, 4)  # decided in January, February, March


def test_three_admonishments_and_a_warning_make_two_warnings_and_so_incompetent():
    policy, light, next_level = three_rule_policy("government")
    assert (light, next_level) == ("jiemian", "xiaoneng")
    result = run(policy, rec(1, light), rec(2, light), rec(3, light), rec(4, next_level))
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (1, 2, 3, 4)
    assert [e.result for e in result.escalations] == ["sanction", "rating"]


# -- revocation, withdrawn proposals and years ------------------------------------------------


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_a_revoked_sanction_stops_counting_and_the_rating_is_recomputed(preset):
    policy, level = two_rule_policy(preset)
    before = run(policy, rec(1, level), rec(2, level))
    after = run(policy, rec(1, level), rec(2, level, state="revoked"))
    assert before.rating_floor == "incompetent"
    assert after.rating_floor == ""
    assert [r.id for r in after.counted] == [1]
    assert [(e.record.id, e.why) for e in after.excluded] == [(2, EXCLUDED_REVOKED)]


@pytest.mark.parametrize("preset", ALL_PRESETS)
@pytest.mark.parametrize(
    ("state", "why"), [("withdrawn", EXCLUDED_WITHDRAWN), ("proposed", EXCLUDED_PROPOSED)]
)
def test_proposals_not_adopted_or_pending_do_not_count(preset, state, why):
    policy, level = two_rule_policy(preset)
    result = run(policy, rec(1, level), rec(2, level, state=state))
    assert result.rating_floor == ""
    assert [(e.record.id, e.why) for e in result.excluded] == [(2, why)]


def test_a_proposal_without_a_decision_date_does_not_count():
    result = run(spec("government"), rec(1, "xiaoneng", day=None, state="proposed"))
    assert result.counted == ()
    assert result.excluded[0].why == EXCLUDED_PROPOSED


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_december_31_and_january_1_fall_in_different_years(preset):
    policy, level = two_rule_policy(preset)
    records = (rec(1, level, D(YEAR, 12, 31)), rec(2, level, D(YEAR + 1, 1, 1)))
    this_year, next_year = run(policy, *records), run(policy, *records, year=YEAR + 1)
    assert [r.id for r in this_year.counted] == [1]
    assert [r.id for r in next_year.counted] == [2]
    assert this_year.rating_floor == next_year.rating_floor == ""
    assert [(e.record.id, e.why) for e in this_year.excluded] == [(2, EXCLUDED_OTHER_YEAR)]


@pytest.mark.parametrize("preset", ALL_PRESETS)
def test_a_year_starting_in_july_counts_july_to_june(preset):
    policy, level = two_rule_policy(preset)
    policy = dataclasses.replace(policy, year_start_month=7)
    records = (
        rec(1, level, D(YEAR, 6, 30)),  # assessment year YEAR - 1
        rec(2, level, D(YEAR, 7, 1)),
        rec(3, level, D(YEAR + 1, 6, 30)),
        rec(4, level, D(YEAR + 1, 7, 1)),  # assessment year YEAR + 1
    )
    result = run(policy, *records)
    assert [r.id for r in result.counted] == [2, 3]
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (2, 3)


@pytest.mark.parametrize(
    ("month", "day", "year"),
    [
        (1, D(2026, 1, 1), 2026),
        (1, D(2026, 12, 31), 2026),
        (7, D(2026, 6, 30), 2025),
        (7, D(2026, 7, 1), 2026),
        (12, D(2026, 11, 30), 2025),
        (12, D(2026, 12, 1), 2026),
    ],
)
def test_assessment_year_of_a_day(month, day, year):
    policy = dataclasses.replace(PolicySpec.from_preset("government"), year_start_month=month)
    assert assessment_year(day, policy) == year


@pytest.mark.parametrize(
    ("month", "bounds"),
    [
        (1, (D(2026, 1, 1), D(2026, 12, 31))),
        (7, (D(2026, 7, 1), D(2027, 6, 30))),
        (3, (D(2026, 3, 1), D(2027, 2, 28))),
    ],
)
def test_year_bounds(month, bounds):
    policy = dataclasses.replace(PolicySpec.from_preset("government"), year_start_month=month)
    assert year_bounds(2026, policy) == bounds


# -- bonus ------------------------------------------------------------------------------------


def test_bonus_withheld_is_capped_at_100_percent():
    result = run(PolicySpec.from_preset("company"), rec(1, "koufa"), rec(2, "koufa"))
    assert result.bonus_withheld_percent == 100
    assert result.consequences[BONUS_WITHHELD] == (1, 2)


def test_bonus_percentages_of_practice_add_up_and_cap():
    base = PolicySpec.from_preset("government")
    percents = {"jiemian": 15, "xiaoneng": 30, "buchengzhi": 50}
    levels = tuple(
        dataclasses.replace(level, bonus_withheld_percent=percents[level.code])
        for level in base.levels
    )
    policy = dataclasses.replace(base, levels=levels)
    assert run(policy, rec(1, "jiemian")).bonus_withheld_percent == 15
    assert run(policy, rec(1, "jiemian"), rec(2, "xiaoneng")).bonus_withheld_percent == 45
    capped = run(policy, rec(1, "xiaoneng"), rec(2, "xiaoneng"), rec(3, "buchengzhi"))
    assert capped.bonus_withheld_percent == 100


def test_a_derived_sanction_replaces_the_bonus_of_the_records_it_consumed():
    base = PolicySpec.from_preset("government")
    levels = tuple(
        dataclasses.replace(level, bonus_withheld_percent={"jiemian": 15}.get(level.code, 30))
        for level in base.levels
    )
    policy = dataclasses.replace(
        base, levels=levels, rules=(RuleSpec("jiemian", 3, "sanction", result_level="xiaoneng"),)
    )
    result = run(policy, rec(1, "jiemian"), rec(2, "jiemian"), rec(3, "jiemian"))
    assert result.bonus_withheld_percent == 30


# -- 第三篇: the ties to the assessment ---------------------------------------------------------


def test_subdistrict_one_violation_costs_the_excellence_rating_only():
    result = run(PolicySpec.from_preset("subdistrict"), rec(1, "jingshi"))
    assert result.consequences == {NO_EXCELLENCE: (1,)}
    assert result.rating_floor == ""


def test_subdistrict_two_violations_mean_incompetent_no_promotion_and_no_advanced_section():
    result = run(PolicySpec.from_preset("subdistrict"), rec(1, "jingshi"), rec(2, "dudao"))
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (1, 2)
    assert result.consequences == {
        NO_EXCELLENCE: (1, 2),
        NO_PROMOTION: (1, 2),
        DEPARTMENT_NO_ADVANCED: (1, 2),
    }


def test_subdistrict_public_criticism_moves_the_person_off_the_post():
    result = run(PolicySpec.from_preset("subdistrict"), rec(1, "jingshi"), rec(2, "tongbao"))
    assert result.consequences[POST_CHANGE] == (2,)
    assert result.consequences[NO_PROMOTION] == (1, 2)


def test_a_consequence_can_follow_the_rating():
    from penalties.engine import ConsequenceSpec

    base = PolicySpec.from_preset("government")
    policy = dataclasses.replace(
        base, consequences=(ConsequenceSpec(NO_PROMOTION, on_rating="basic"),)
    )
    assert NO_PROMOTION not in run(policy, rec(1, "xiaoneng")).consequences
    assert run(policy, rec(1, "xiaoneng"), rec(2, "xiaoneng")).consequences[NO_PROMOTION] == (1, 2)


def test_the_worst_rating_floor_wins():
    base = PolicySpec.from_preset("government")
    levels = (*base.levels, LevelSpec("basic", "基本称职", 9, rating_floor="basic"))
    policy = dataclasses.replace(base, levels=levels)
    result = run(policy, rec(1, "basic"), rec(2, "buchengzhi"))
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (2,)


# -- 第五篇 五(一): the unit-level deadline -----------------------------------------------------


@pytest.mark.parametrize(
    ("due", "corrected", "today", "overdue"),
    [
        (D(2026, 3, 31), False, D(2026, 3, 31), False),
        (D(2026, 3, 31), False, D(2026, 4, 1), True),
        (D(2026, 3, 31), True, D(2026, 4, 1), False),
        (None, False, D(2026, 4, 1), False),
    ],
)
def test_a_unit_refuses_to_correct_once_its_deadline_has_passed(due, corrected, today, overdue):
    assert unit_correction_overdue(correction_due=due, corrected=corrected, today=today) is overdue


def test_a_unit_leader_admonished_then_warned_for_refusing_is_incompetent_after_a_second_warning():
    policy = PolicySpec.from_preset("government")
    assert policy.unit_refusal_level == "xiaoneng"
    admonished = rec(1, "jiemian", D(YEAR, 2, 1))
    refused = rec(2, policy.unit_refusal_level, D(YEAR, 4, 1))
    assert run(policy, admonished, refused).rating_floor == ""
    again = rec(3, "xiaoneng", D(YEAR, 9, 1))
    result = run(policy, admonished, refused, again)
    assert result.rating_floor == "incompetent"
    assert result.rating_floor_reasons == (2, 3)


# -- commendations ----------------------------------------------------------------------------


def test_commendations_of_the_year_count_and_withdrawn_ones_do_not():
    commendations = (
        CommendationRecord(1, D(YEAR, 5, 1)),
        CommendationRecord(2, D(YEAR, 6, 1), withdrawn=True),
        CommendationRecord(3, D(YEAR + 1, 1, 1)),
    )
    result = run(PolicySpec.from_preset("company"), commendations=commendations)
    assert [c.id for c in result.commendations] == [1]
