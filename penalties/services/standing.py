"""Standings: the stored result of the escalation engine for one person and one year.

Call `standing_recompute` (or `standings_recompute_for_sanction`) after anything that changes
which sanctions count: a decision, a revocation, a withdrawn proposal, a commendation.
"""

from django.db import transaction
from django.utils import timezone

from inquiries.models import StaffProfile, User
from penalties import engine
from penalties.models import Commendation, Policy, Sanction, Standing
from penalties.selectors import policy_in_force


def _sanction_label(sanction: Sanction) -> str:
    violation = sanction.violation
    kind = violation.violation_type.description if violation.violation_type_id else ""
    return " · ".join(part for part in (sanction.level.name, violation.number, kind) if part)


def _records_for(*, person: User) -> tuple[list[engine.SanctionRecord], dict[int, Sanction]]:
    sanctions = {
        s.pk: s
        for s in Sanction.objects.filter(person=person).select_related(
            "level", "violation", "violation__violation_type"
        )
    }
    records = [
        engine.SanctionRecord(
            id=s.pk,
            level_code=s.level.code,
            decided_on=s.decided_on,
            state=s.state,
            label=_sanction_label(s),
        )
        for s in sanctions.values()
    ]
    return records, sanctions


def _commendation_records(*, person: User) -> list[engine.CommendationRecord]:
    return [
        engine.CommendationRecord(
            id=c.pk,
            received_on=c.received_on,
            withdrawn=c.withdrawn_at is not None,
            label=c.text[:80],
        )
        for c in Commendation.objects.filter(person=person)
    ]


def standing_reasons(result: engine.StandingResult, labels: dict[int, str]) -> dict:
    """The engine's "why" as JSON: ids and the labels to show them without more queries."""

    def refs(ids):
        return [{"id": i, "label": labels.get(i, f"#{i}")} for i in ids]

    return {
        "counted": refs(r.id for r in result.counted),
        "escalations": [
            {
                "result": e.result,
                "level": e.level_code,
                "rating": e.rating,
                "basis": e.basis,
                "records": refs(e.reason_ids),
            }
            for e in result.escalations
        ],
        "rating_floor": {
            "rating": result.rating_floor,
            "records": refs(result.rating_floor_reasons),
        },
        "consequences": {kind: refs(ids) for kind, ids in result.consequences.items()},
        "excluded": [
            {"id": e.record.id, "label": e.record.label, "why": e.why} for e in result.excluded
        ],
        "commendations": [{"id": c.id, "label": c.label} for c in result.commendations],
    }


@transaction.atomic
def standing_recompute(*, person: User, year: int, policy: Policy | None = None) -> Standing:
    """Run the engine over the person's records for `year` and store the result (with history)."""
    policy = policy or policy_in_force()
    spec = engine.PolicySpec.from_policy(policy)
    records, _sanctions = _records_for(person=person)
    result = engine.standing_compute(
        policy=spec,
        year=year,
        sanctions=records,
        commendations=_commendation_records(person=person),
    )
    labels = {r.id: r.label for r in records}
    profile = StaffProfile.objects.filter(user=person).only("department_id").first()
    values = {
        "department_id": profile.department_id if profile else None,
        "sanctions_in_force": len(result.counted),
        "commendations": len(result.commendations),
        "rating_floor": result.rating_floor,
        "no_excellence": result.has(engine.NO_EXCELLENCE),
        "no_promotion": result.has(engine.NO_PROMOTION),
        "department_no_advanced": result.has(engine.DEPARTMENT_NO_ADVANCED),
        "post_change": result.has(engine.POST_CHANGE),
        "bonus_withheld_percent": result.bonus_withheld_percent,
        "reasons": standing_reasons(result, labels),
    }
    standing = Standing.objects.select_for_update().filter(person=person, year=year).first()
    if standing is None:
        standing = Standing(person=person, year=year, computed_at=timezone.now(), **values)
        standing.full_clean()
        standing.save()
        return standing
    changed = any(getattr(standing, name) != value for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(standing, name, value)
        standing.computed_at = timezone.now()
        standing.full_clean()
        standing.save()
    return standing


def sanction_years(sanction: Sanction, policy: Policy | None = None) -> set[int]:
    """The assessment years a sanction can affect: the year it was decided in."""
    policy = policy or policy_in_force()
    if sanction.decided_on is None:
        return set()
    return {engine.assessment_year(sanction.decided_on, policy)}


def standings_recompute_for_sanction(sanction: Sanction) -> list[Standing]:
    """Recompute the standing of the sanctioned person for the year(s) it affects."""
    policy = policy_in_force()
    years = sanction_years(sanction, policy)
    return [
        standing_recompute(person=sanction.person, year=year, policy=policy)
        for year in sorted(years)
    ]


def standings_recompute_for_commendation(commendation: Commendation) -> Standing:
    policy = policy_in_force()
    year = engine.assessment_year(commendation.received_on, policy)
    return standing_recompute(person=commendation.person, year=year, policy=policy)


def standings_recompute_all(*, year: int) -> int:
    """Recompute every stored standing of `year` and every person with a record in it.

    After a policy edit; returns how many standings were recomputed.
    """
    policy = policy_in_force()
    start, end = engine.year_bounds(year, policy)
    person_ids = set(Standing.objects.filter(year=year).values_list("person_id", flat=True))
    person_ids |= set(
        Sanction.objects.filter(decided_on__range=(start, end)).values_list("person_id", flat=True)
    )
    person_ids |= set(
        Commendation.objects.filter(received_on__range=(start, end)).values_list(
            "person_id", flat=True
        )
    )
    for person in User.objects.filter(pk__in=person_ids).order_by("pk"):
        standing_recompute(person=person, year=year, policy=policy)
    return len(person_ids)
