"""Who may see a violation, which of its fields, and which actions they may take on it.

- The discipline role (penalties.handle_violation) sees every violation — except, while it is
  still only reported or proposed, one about themself.
- The person concerned sees their own once they have been told (under investigation, verified
  or dismissed); a leader sanctioned for it sees it once the sanction is decided.
- A reporter (penalties.report_violation) sees the ones they reported.
- Anyone else sees nothing (404).

The complainant (name, phone, the complaint as received) and confidential evidence are for the
discipline role only, and never for the person concerned or a leader sanctioned for it, even
when that person holds the discipline role themself.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from inquiries.models import User
from penalties.models import Evidence, Sanction, Violation

HANDLE = "penalties.handle_violation"
REPORT = "penalties.report_violation"

TOLD_STATES = (
    Violation.State.INVESTIGATING,
    Violation.State.VERIFIED,
    Violation.State.DISMISSED,
)
# Leaders see the violation behind a sanction once it is decided (not a mere proposal).
DECIDED_SANCTION_STATES = (Sanction.State.IN_FORCE, Sanction.State.REVOKED)

# The actions of the violation page.
OPEN_INVESTIGATION = "investigate"
ADD_EVIDENCE = "evidence"
SUBMIT_STATEMENT = "statement"
VERIFY = "verify"
DISMISS = "dismiss"
DECIDE_PROPOSAL = "decide_proposal"
REVOKE = "revoke"
RECORD_CORRECTION = "correction"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def violations_visible_to(user: User) -> QuerySet[Violation]:
    if not _active(user):
        return Violation.objects.none()
    if user.has_perm(HANDLE):
        return Violation.objects.exclude(Q(person=user) & ~Q(state__in=TOLD_STATES))
    concerned = Q(person=user, state__in=TOLD_STATES)
    sanctioned = Q(
        pk__in=Sanction.objects.filter(person=user, state__in=DECIDED_SANCTION_STATES).values(
            "violation_id"
        )
    )
    q = concerned | sanctioned
    if user.has_perm(REPORT):
        q |= Q(reported_by=user)
    return Violation.objects.filter(q)


def violation_get_for_user(user: User, pk: int) -> Violation:
    """The violation if `user` may see it; otherwise 404 (a 403 would tell it exists)."""
    queryset = violations_visible_to(user).select_related(
        "person__profile__department",
        "department",
        "violation_type",
        "investigator",
        "reported_by",
        "decided_by",
        "inquiry",
        "policy",
    )
    return get_object_or_404(queryset, pk=pk)


def is_concerned(user: User, violation: Violation) -> bool:
    """The person complained about, or a leader with a sanction for it."""
    if violation.person_id is not None and violation.person_id == user.pk:
        return True
    return Sanction.objects.filter(violation=violation, person=user).exists()


def may_handle(user: User, violation: Violation, *, concerned: bool | None = None) -> bool:
    """The discipline role, not concerned by this violation."""
    if not _active(user) or not user.has_perm(HANDLE):
        return False
    if concerned is None:
        concerned = is_concerned(user, violation)
    return not concerned


def may_see_complainant(user: User, violation: Violation, *, concerned: bool | None = None):
    """The complainant's identity and the complaint as received: the discipline role only,
    and never the person concerned (checked first)."""
    return may_handle(user, violation, concerned=concerned)


def evidence_visible(user: User, violation: Violation, *, concerned: bool | None = None):
    """The evidence `user` may see on this violation (confidential only for handlers)."""
    queryset = Evidence.objects.filter(violation=violation).select_related("added_by", "inquiry")
    if not may_handle(user, violation, concerned=concerned):
        queryset = queryset.filter(confidential=False)
    return queryset


def violation_actions(
    user: User, violation: Violation, *, concerned: bool | None = None
) -> frozenset[str]:
    """The actions `user` may take on `violation` now (visibility is checked before this)."""
    if concerned is None:
        concerned = is_concerned(user, violation)
    actions = set()
    state = violation.state
    if violation.person_id == user.pk and state == Violation.State.INVESTIGATING and _active(user):
        actions.add(SUBMIT_STATEMENT)
    if not may_handle(user, violation, concerned=concerned):
        return frozenset(actions)
    if state in {Violation.State.PROPOSED, Violation.State.REPORTED}:
        actions |= {OPEN_INVESTIGATION, DISMISS}
    if state == Violation.State.INVESTIGATING:
        actions |= {VERIFY, DISMISS}
    if state != Violation.State.DISMISSED:
        actions.add(ADD_EVIDENCE)
    if state == Violation.State.VERIFIED:
        sanctions = violation.sanctions.values_list("state", flat=True)
        if Sanction.State.PROPOSED in sanctions:
            actions.add(DECIDE_PROPOSAL)
        if Sanction.State.IN_FORCE in sanctions:
            actions.add(REVOKE)
        if violation.correction_due is not None and violation.corrected_at is None:
            actions.add(RECORD_CORRECTION)
    return frozenset(actions)
