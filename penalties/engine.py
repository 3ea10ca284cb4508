"""The escalation engine: a pure computation of one person's standing for one assessment year.

Given the person's sanctions and commendations (plain records, already loaded) and the policy
(a plain snapshot, `PolicySpec.from_policy(policy)`), `standing_compute` returns what counts,
the escalations triggered, the annual rating floor and the consequences — each with the
records that caused it ("why"). No database access here: tests feed tables of records.

Rules (see docs/penalties.md):
- Only sanctions in force whose `decided_on` falls in the assessment year count; revoked and
  withdrawn ones never count (they may be passed in and are listed as not counting). Proposals
  not yet decided do not count either.
- Escalation rules of result SANCTION run first, in rule order: every `threshold` counted
  sanctions of `counted_level` (or that level and heavier, with `or_heavier`) become one
  derived sanction of `result_level` (e.g. three 诫勉教育 → one 效能告诫); the records used
  are consumed (earliest decided first), leftovers stay. Derived sanctions count like real
  ones in later rules.
- Escalation rules of result RATING: when the counted sanctions (real and derived) reach
  `threshold`, the annual rating is forced to `result_rating` (e.g. two 效能告诫 → 不称职).
  A level with its own `rating_floor` forces it too. The worst floor wins (RATING_ORDER).
- Consequences: triggered by `min_count` sanctions at `min_level` or heavier (any level when
  empty), or by the rating floor reaching `on_rating` (that rating or worse); bonus withheld
  is the sum of the effective sanctions' `bonus_withheld_percent` (after SANCTION rules: a
  derived sanction replaces the records it consumed), capped at 100. A rating floor worse
  than "excellent" also makes the person not eligible for 评优 (being rated excellent is
  what 评优 means).
- "Why" is always a tuple of ids of real sanction records: a derived sanction stands for the
  records it consumed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Plain strings, equal to the model choices (penalties.models.policy); the engine imports no
# Django model so it stays importable and testable without a database.
RATING_ORDER = ("excellent", "competent", "basic", "incompetent")

IN_FORCE = "in_force"
RESULT_SANCTION = "sanction"
RESULT_RATING = "rating"

NO_EXCELLENCE = "no_excellence"
NO_PROMOTION = "no_promotion"
DEPARTMENT_NO_ADVANCED = "department_no_advanced"
POST_CHANGE = "post_change"
BONUS_WITHHELD = "bonus_withheld"
CONSEQUENCE_KINDS = (
    NO_EXCELLENCE,
    NO_PROMOTION,
    DEPARTMENT_NO_ADVANCED,
    POST_CHANGE,
    BONUS_WITHHELD,
)

# Why a record does not count.
EXCLUDED_REVOKED = "revoked"
EXCLUDED_WITHDRAWN = "withdrawn"
EXCLUDED_PROPOSED = "proposed"
EXCLUDED_OTHER_YEAR = "other_year"
EXCLUDED_UNKNOWN_LEVEL = "unknown_level"

BONUS_CAP = 100


# ---------------------------------------------------------------------------------------------
# The policy snapshot


@dataclass(frozen=True)
class LevelSpec:
    code: str
    name: str
    rank: int
    rating_floor: str = ""
    bonus_withheld_percent: int = 0


@dataclass(frozen=True)
class ViolationSpec:
    code: str
    description: str
    default_level: str
    basis: str
    detection: str = ""
    unit_level: bool = False
    sort_order: int = 0


@dataclass(frozen=True)
class RuleSpec:
    counted_level: str
    threshold: int
    result: str
    result_level: str = ""
    result_rating: str = ""
    or_heavier: bool = False
    basis: str = ""


@dataclass(frozen=True)
class ConsequenceSpec:
    kind: str
    min_level: str = ""
    min_count: int = 1
    on_rating: str = ""
    basis: str = ""


@dataclass(frozen=True)
class PolicySpec:
    name: str
    levels: tuple[LevelSpec, ...]
    rules: tuple[RuleSpec, ...] = ()
    consequences: tuple[ConsequenceSpec, ...] = ()
    catalog: tuple[ViolationSpec, ...] = ()
    preset: str = ""
    year_start_month: int = 1
    leadership_chain: bool = False
    principal_leader_level: str = ""
    important_leader_level: str = ""
    unit_refusal_level: str = ""
    unit_correction_days: int = 20

    def level(self, code: str) -> LevelSpec | None:
        for level in self.levels:
            if level.code == code:
                return level
        return None

    def rank(self, code: str) -> int:
        level = self.level(code)
        return level.rank if level else 0

    @classmethod
    def from_preset(cls, preset) -> PolicySpec:
        """The snapshot of a preset (a `penalties.presets.Preset` or its key)."""
        from penalties.presets import preset_get

        if isinstance(preset, str):
            preset = preset_get(preset)
        return cls(
            name=preset.name,
            preset=preset.key,
            year_start_month=preset.year_start_month,
            levels=tuple(sorted(preset.levels, key=lambda level: level.rank)),
            rules=tuple(preset.rules),
            consequences=tuple(preset.consequences),
            catalog=tuple(preset.catalog),
            leadership_chain=preset.leadership_chain,
            principal_leader_level=preset.principal_leader_level,
            important_leader_level=preset.important_leader_level,
            unit_refusal_level=preset.unit_refusal_level,
            unit_correction_days=preset.unit_correction_days,
        )

    @classmethod
    def from_policy(cls, policy) -> PolicySpec:
        """The snapshot of a `Policy` row: four queries (levels, catalog, rules, consequences)."""
        levels = list(policy.levels.order_by("rank"))
        codes = {level.pk: level.code for level in levels}
        catalog = tuple(
            ViolationSpec(
                code=item.code,
                description=item.description,
                default_level=codes.get(item.default_level_id, ""),
                basis=item.basis,
                detection=item.detection,
                unit_level=item.unit_level,
                sort_order=item.sort_order,
            )
            for item in policy.violation_types.order_by("sort_order", "code")
        )
        rules = tuple(
            RuleSpec(
                counted_level=codes.get(rule.counted_level_id, ""),
                threshold=rule.threshold,
                result=rule.result,
                result_level=codes.get(rule.result_level_id, ""),
                result_rating=rule.result_rating,
                or_heavier=rule.or_heavier,
                basis=rule.basis,
            )
            for rule in policy.escalations.order_by("pk")
        )
        consequences = tuple(
            ConsequenceSpec(
                kind=item.kind,
                min_level=codes.get(item.min_level_id, ""),
                min_count=item.min_count,
                on_rating=item.on_rating,
                basis=item.basis,
            )
            for item in policy.consequences.order_by("pk")
        )
        return cls(
            name=policy.name,
            preset=policy.preset,
            year_start_month=policy.year_start_month,
            levels=tuple(
                LevelSpec(
                    code=level.code,
                    name=level.name,
                    rank=level.rank,
                    rating_floor=level.rating_floor,
                    bonus_withheld_percent=level.bonus_withheld_percent,
                )
                for level in levels
            ),
            rules=rules,
            consequences=consequences,
            catalog=catalog,
            leadership_chain=policy.leadership_chain,
            principal_leader_level=codes.get(policy.principal_leader_level_id, ""),
            important_leader_level=codes.get(policy.important_leader_level_id, ""),
            unit_refusal_level=codes.get(policy.unit_refusal_level_id, ""),
            unit_correction_days=policy.unit_correction_days,
        )


# ---------------------------------------------------------------------------------------------
# Records in, standing out


@dataclass(frozen=True)
class SanctionRecord:
    id: int
    level_code: str
    decided_on: datetime.date | None
    state: str = IN_FORCE
    label: str = ""


@dataclass(frozen=True)
class CommendationRecord:
    id: int
    received_on: datetime.date
    withdrawn: bool = False
    label: str = ""


@dataclass(frozen=True)
class Escalation:
    """One application of a rule: which records caused it and what it became."""

    rule_index: int
    result: str
    reason_ids: tuple[int, ...]
    level_code: str = ""
    rating: str = ""
    basis: str = ""


@dataclass(frozen=True)
class Excluded:
    record: SanctionRecord
    why: str


@dataclass(frozen=True)
class _Effective:
    """A sanction as the rules see it: a real record, or a derived one standing for several."""

    level_code: str
    rank: int
    reason_ids: tuple[int, ...]
    sort_key: tuple


@dataclass(frozen=True)
class StandingResult:
    year: int
    counted: tuple[SanctionRecord, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    rating_floor: str = ""
    rating_floor_reasons: tuple[int, ...] = ()
    consequences: dict[str, tuple[int, ...]] = field(default_factory=dict)
    bonus_withheld_percent: int = 0
    commendations: tuple[CommendationRecord, ...] = ()

    def has(self, kind: str) -> bool:
        return kind in self.consequences


# ---------------------------------------------------------------------------------------------
# Assessment years


def year_bounds(year: int, policy) -> tuple[datetime.date, datetime.date]:
    """First and last day of assessment year `year` (it starts in month M of that year)."""
    month = getattr(policy, "year_start_month", 1) or 1
    start = datetime.date(year, month, 1)
    end = datetime.date(year + 1, month, 1) - datetime.timedelta(days=1)
    return start, end


def assessment_year(day: datetime.date, policy) -> int:
    """The assessment year a day falls in; with year_start_month 1, the calendar year."""
    month = getattr(policy, "year_start_month", 1) or 1
    return day.year if day.month >= month else day.year - 1


def unit_correction_overdue(
    *, correction_due: datetime.date | None, corrected: bool, today: datetime.date
) -> bool:
    """A unit given a deadline (第五篇 五(一)) has refused to correct once the day has passed."""
    return correction_due is not None and not corrected and today > correction_due


# ---------------------------------------------------------------------------------------------
# The computation


def _worse(a: str, b: str) -> str:
    """The worse of two ratings ("" is no floor)."""
    if not a:
        return b
    if not b:
        return a
    return a if RATING_ORDER.index(a) >= RATING_ORDER.index(b) else b


def _reaches(floor: str, rating: str) -> bool:
    return bool(floor) and RATING_ORDER.index(floor) >= RATING_ORDER.index(rating)


def _ids(items) -> tuple[int, ...]:
    return tuple(sorted({i for item in items for i in item.reason_ids}))


def _matches(policy: PolicySpec, item: _Effective, level_code: str, or_heavier: bool) -> bool:
    if or_heavier:
        return item.rank >= policy.rank(level_code)
    return item.level_code == level_code


def standing_compute(
    *,
    policy: PolicySpec,
    year: int,
    sanctions: list[SanctionRecord] | tuple[SanctionRecord, ...],
    commendations=(),
) -> StandingResult:
    """One person's standing for assessment year `year` under `policy` (see module doc)."""
    start, end = year_bounds(year, policy)
    counted: list[SanctionRecord] = []
    excluded: list[Excluded] = []
    ordered = sorted(sanctions, key=lambda r: (r.decided_on or datetime.date.max, r.id))
    for record in ordered:
        if record.state == "revoked":
            excluded.append(Excluded(record, EXCLUDED_REVOKED))
        elif record.state == "withdrawn":
            excluded.append(Excluded(record, EXCLUDED_WITHDRAWN))
        elif record.state != IN_FORCE or record.decided_on is None:
            excluded.append(Excluded(record, EXCLUDED_PROPOSED))
        elif not start <= record.decided_on <= end:
            excluded.append(Excluded(record, EXCLUDED_OTHER_YEAR))
        elif policy.level(record.level_code) is None:
            excluded.append(Excluded(record, EXCLUDED_UNKNOWN_LEVEL))
        else:
            counted.append(record)

    effective = [
        _Effective(r.level_code, policy.rank(r.level_code), (r.id,), (r.decided_on, r.id))
        for r in counted
    ]
    escalations: list[Escalation] = []

    # 1. SANCTION rules, in order: consume `threshold` matching records per derived sanction.
    for index, rule in enumerate(policy.rules):
        if rule.result != RESULT_SANCTION or rule.threshold < 1:
            continue
        while True:
            matching = [
                e for e in effective if _matches(policy, e, rule.counted_level, rule.or_heavier)
            ]
            if len(matching) < rule.threshold:
                break
            used = sorted(matching, key=lambda e: e.sort_key)[: rule.threshold]
            for item in used:
                effective.remove(item)
            reasons = _ids(used)
            effective.append(
                _Effective(
                    rule.result_level, policy.rank(rule.result_level), reasons, used[-1].sort_key
                )
            )
            escalations.append(
                Escalation(
                    rule_index=index,
                    result=RESULT_SANCTION,
                    reason_ids=reasons,
                    level_code=rule.result_level,
                    basis=rule.basis,
                )
            )

    # 2. The rating floor: levels that are a rating themselves, then RATING rules.
    floor = ""
    floor_reasons: set[int] = set()

    def force(rating: str, reasons) -> None:
        nonlocal floor
        if not rating:
            return
        worse = _worse(floor, rating)
        if worse != floor:
            floor = worse
            floor_reasons.clear()
        if rating == floor:
            floor_reasons.update(reasons)

    for item in effective:
        level = policy.level(item.level_code)
        if level and level.rating_floor:
            force(level.rating_floor, item.reason_ids)
    for index, rule in enumerate(policy.rules):
        if rule.result != RESULT_RATING:
            continue
        matching = [
            e for e in effective if _matches(policy, e, rule.counted_level, rule.or_heavier)
        ]
        if rule.threshold >= 1 and len(matching) >= rule.threshold:
            reasons = _ids(matching)
            escalations.append(
                Escalation(
                    rule_index=index,
                    result=RESULT_RATING,
                    reason_ids=reasons,
                    rating=rule.result_rating,
                    basis=rule.basis,
                )
            )
            force(rule.result_rating, reasons)

    # 3. Consequences.
    consequences: dict[str, set[int]] = {}

    def add(kind: str, reasons) -> None:
        consequences.setdefault(kind, set()).update(reasons)

    for item in policy.consequences:
        if item.on_rating:
            if _reaches(floor, item.on_rating):
                add(item.kind, floor_reasons)
            continue
        matching = [
            e for e in effective if not item.min_level or e.rank >= policy.rank(item.min_level)
        ]
        if matching and len(matching) >= max(item.min_count, 1):
            add(item.kind, _ids(matching))
    if floor and floor != RATING_ORDER[0]:
        add(NO_EXCELLENCE, floor_reasons)

    bonus = 0
    bonus_items = []
    for item in effective:
        level = policy.level(item.level_code)
        if level and level.bonus_withheld_percent:
            bonus += level.bonus_withheld_percent
            bonus_items.append(item)
    bonus = min(bonus, BONUS_CAP)
    if bonus:
        add(BONUS_WITHHELD, _ids(bonus_items))

    counted_commendations = tuple(
        c
        for c in sorted(commendations, key=lambda c: (c.received_on, c.id))
        if not c.withdrawn and start <= c.received_on <= end
    )
    return StandingResult(
        year=year,
        counted=tuple(counted),
        excluded=tuple(excluded),
        escalations=tuple(escalations),
        rating_floor=floor,
        rating_floor_reasons=tuple(sorted(floor_reasons)),
        consequences={
            kind: tuple(sorted(consequences[kind]))
            for kind in CONSEQUENCE_KINDS
            if kind in consequences
        },
        bonus_withheld_percent=bonus,
        commendations=counted_commendations,
    )
