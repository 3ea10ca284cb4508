"""Violations from report to decision (due process). Every function here is one atomic change.

Each locks the violation row (SELECT … FOR UPDATE), checks the move against
`VIOLATION_TRANSITIONS`, saves (django-simple-history keeps the audit), and tells the people
concerned through in-app notifications (email follows on commit). A refused move raises
`PenaltyError` with a translated message; the views show it as a form error.

The person concerned is told about the allegation, never about who complained.
"""

import datetime
import io
import uuid
import zipfile
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inquiries.models import Department, Inquiry, User
from inquiries.services.notifications import notify
from inquiries.text import normalize_text
from inquiries.workdays import work_calendar
from penalties.models import Evidence, Sanction, SanctionLevel, Statement, Violation, ViolationType
from penalties.selectors import policy_in_force
from penalties.services.core import (
    PenaltyError,
    assessment_year,
    full_clean_or_refuse,
    require_permission,
    standings_recompute,
    violation_number_next,
)

State = Violation.State

# The allowed moves of a violation; the decided states are final (a sanction is revoked on
# appeal, the violation's finding stays on record).
VIOLATION_TRANSITIONS: dict[str, frozenset[str]] = {
    State.PROPOSED: frozenset({State.INVESTIGATING, State.DISMISSED}),
    State.REPORTED: frozenset({State.INVESTIGATING, State.DISMISSED}),
    State.INVESTIGATING: frozenset({State.VERIFIED, State.DISMISSED}),
    State.VERIFIED: frozenset(),
    State.DISMISSED: frozenset(),
}

HANDLE = "penalties.handle_violation"
NOTIFICATION_KIND = "penalty"


# --- Helpers -------------------------------------------------------------------------------


def violation_lock(violation: Violation) -> Violation:
    return Violation.objects.select_for_update().get(pk=violation.pk)


def violation_check_move(violation: Violation, to_state: str) -> None:
    if to_state not in VIOLATION_TRANSITIONS.get(violation.state, frozenset()):
        raise PenaltyError(
            _("A violation that is “%(from)s” cannot become “%(to)s”.")
            % {"from": State(violation.state).label, "to": State(to_state).label},
            code="illegal_transition",
        )


def violation_url(violation: Violation) -> str:
    return reverse("penalties:violation_detail", args=[violation.pk])


def violation_notify(
    violation: Violation,
    *,
    recipients,
    event: str,
    text: str,
    params: dict | None = None,
    actor: User | None = None,
) -> None:
    """Tell people about a violation. `text` is an English msgid (marked with gettext_noop)
    rendered in the reader's language; it never carries the complainant's identity."""
    notify(
        recipients=recipients,
        kind=NOTIFICATION_KIND,
        inquiry=None,
        event_key=f"violation:{violation.pk}:{event}",
        actor=actor,
        data={
            "text": text,
            "params": {"number": violation.number} | (params or {}),
            "url": violation_url(violation),
        },
    )


def _refuse_if_concerned(violation: Violation, by: User) -> None:
    """Nobody investigates or decides their own case."""
    if violation.person_id is not None and violation.person_id == by.pk:
        raise PenaltyError(
            _("You are the person concerned: another officer must handle this violation."),
            code="own_case",
        )


def _required_text(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise PenaltyError(message, code=code)
    return value


def person_department(person: User) -> Department | None:
    profile = getattr(person, "profile", None)
    return profile.department if profile is not None else None


def leaders_up_the_chain(department: Department | None) -> tuple[User | None, User | None]:
    """(head, supervising leader) for a department: walk up Department.parent until each is
    found (a section without a head answers to its department's head)."""
    head = leader = None
    seen = set()
    while department is not None and department.pk not in seen and (head is None or not leader):
        seen.add(department.pk)
        if head is None and department.head_id:
            head = department.head
        if leader is None and department.supervising_leader_id:
            leader = department.supervising_leader
        department = department.parent
    return head, leader


def unit_leaders(department: Department) -> list[User]:
    """The principal leaders of a unit at fault: its head and its supervising leader."""
    people = []
    for user in (department.head, department.supervising_leader):
        if user is not None and user not in people:
            people.append(user)
    return people


# --- Report --------------------------------------------------------------------------------


@transaction.atomic
def violation_report(
    *,
    department: Department,
    source: str,
    allegation: str,
    occurred_on: datetime.date,
    person: User | None = None,
    reported_by: User | None = None,
    violation_type: ViolationType | None = None,
    inquiry: Inquiry | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complaint_text: str = "",
    detection: str = "",
    detection_key: str | None = None,
) -> Violation:
    """Register a possible violation. Automatic detections (with a key) start as proposals.

    With a `detection_key` already used, nothing new is made and the existing one is returned.
    """
    if detection_key is not None:
        existing = Violation.objects.filter(detection_key=detection_key).first()
        if existing is not None:
            return existing
    if occurred_on > timezone.localdate():
        raise PenaltyError(_("The date it happened cannot be in the future."), code="future")
    violation = Violation(
        number=violation_number_next(),
        policy=policy_in_force(),
        violation_type=violation_type,
        person=person,
        department=department,
        source=source,
        state=Violation.State.PROPOSED if detection_key else Violation.State.REPORTED,
        allegation=allegation.strip(),
        complainant_name=normalize_text(complainant_name),
        complainant_phone=normalize_text(complainant_phone),
        complaint_text=complaint_text.strip(),
        inquiry=inquiry,
        detection=detection,
        detection_key=detection_key,
        occurred_on=occurred_on,
        reported_at=timezone.now(),
        reported_by=reported_by,
    )
    full_clean_or_refuse(violation)
    violation.save()
    return violation


# --- Investigation -------------------------------------------------------------------------


@transaction.atomic
def violation_open_investigation(
    *, violation: Violation, by: User, investigator: User | None = None
) -> Violation:
    """Open the investigation; the person concerned is told and may submit a statement (申辩)
    within the policy's working days."""
    require_permission(by, HANDLE)
    violation = violation_lock(violation)
    _refuse_if_concerned(violation, by)
    violation_check_move(violation, State.INVESTIGATING)
    investigator = investigator or by
    if not investigator.is_active or not investigator.has_perm(HANDLE):
        raise PenaltyError(
            _("The investigator must hold the discipline role."), code="investigator"
        )
    if investigator.pk == violation.person_id:
        raise PenaltyError(
            _("The person concerned cannot investigate their own case."), code="own_case"
        )
    today = timezone.localdate()
    violation.state = State.INVESTIGATING
    violation.investigator = investigator
    violation.investigation_started_at = timezone.now()
    violation.statement_due = work_calendar().add_working_days(
        today, violation.policy.statement_days
    )
    full_clean_or_refuse(violation)
    violation.save()
    violation_notify(
        violation,
        recipients=[violation.person],
        event="investigating",
        text=gettext_noop(
            "Violation %(number)s concerning you is under investigation: %(allegation)s "
            "You may submit a statement until %(due)s."
        ),
        params={"allegation": violation.allegation, "due": violation.statement_due.isoformat()},
        actor=by,
    )
    return violation


# --- Evidence ------------------------------------------------------------------------------

_ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_HTML_STARTS = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<head")


def _content_matches(extension: str, content: bytes) -> bool:
    """Whether the bytes are what the extension says (magic numbers; a real zip package for
    Office files; UTF-8 text that is not markup for .txt)."""
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {"jpg", "jpeg"}:
        return content.startswith(b"\xff\xd8\xff")
    if extension in _ZIP_MEMBERS:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                return _ZIP_MEMBERS[extension] in package.namelist()
        except zipfile.BadZipFile:
            return False
    if extension == "txt":
        if b"\x00" in content:
            return False
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        head = text.lstrip()[:20].lower().encode()
        return not head.startswith(_HTML_STARTS)
    return False


def evidence_document_check(document: UploadedFile) -> tuple[str, bytes]:
    """Refuse a document that is not one of the allowed kinds (by name, size and content);
    return its extension and content."""
    name = PurePath(document.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in Evidence.ALLOWED_EXTENSIONS:
        raise PenaltyError(
            _("Only these documents can be attached: %(kinds)s.")
            % {"kinds": ", ".join(Evidence.ALLOWED_EXTENSIONS)},
            code="extension",
        )
    if document.size is None or document.size > Evidence.MAX_BYTES:
        raise PenaltyError(
            _("The document is too large: at most %(mb)s MB.")
            % {"mb": Evidence.MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    document.seek(0)
    content = document.read(Evidence.MAX_BYTES + 1)
    if len(content) > Evidence.MAX_BYTES:
        raise PenaltyError(
            _("The document is too large: at most %(mb)s MB.")
            % {"mb": Evidence.MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if not content or not _content_matches(extension, content):
        raise PenaltyError(
            _("The document's content does not match its name (.%(extension)s).")
            % {"extension": extension},
            code="content",
        )
    return extension, content


@transaction.atomic
def evidence_add(
    *,
    violation: Violation,
    by: User,
    description: str,
    inquiry: Inquiry | None = None,
    document: UploadedFile | None = None,
    confidential: bool = False,
) -> Evidence:
    """Add evidence: a case, a note, a document. Until the decision, or to a verified
    violation (for an appeal)."""
    require_permission(by, HANDLE)
    violation = violation_lock(violation)
    _refuse_if_concerned(violation, by)
    if violation.state == State.DISMISSED:
        raise PenaltyError(
            _("This violation was dismissed; no more evidence can be added."), code="decided"
        )
    description = _required_text(
        description, _("Describe what the evidence shows."), "no_description"
    )
    evidence = Evidence(
        violation=violation,
        inquiry=inquiry,
        description=description,
        added_by=by,
        added_at=timezone.now(),
        confidential=confidential,
    )
    if document is None:
        full_clean_or_refuse(evidence)
        evidence.save()
        return evidence
    extension, content = evidence_document_check(document)
    evidence.document_name = normalize_text(PurePath(document.name).name)[:200]
    # A random name on disk: the original name is shown, never used as a path.
    evidence.document.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
    try:
        full_clean_or_refuse(evidence)
        evidence.save()
    except BaseException:
        # No row will point at the file: remove it rather than leave an orphan on disk.
        evidence.document.delete(save=False)
        raise
    return evidence


# --- Statement (申辩) -----------------------------------------------------------------------


@transaction.atomic
def statement_submit(*, violation: Violation, author: User, text: str) -> Statement:
    """The person concerned answers the allegation, before the decision (several allowed)."""
    violation = violation_lock(violation)
    if violation.person_id is None or violation.person_id != author.pk:
        raise PenaltyError(
            _("Only the person concerned can submit a statement."), code="not_concerned"
        )
    if violation.state != State.INVESTIGATING:
        raise PenaltyError(
            _("A statement can be submitted only while the violation is under investigation."),
            code="not_investigating",
        )
    text = _required_text(text, _("Write your statement."), "no_text")
    statement = Statement(
        violation=violation, author=author, text=text, submitted_at=timezone.now()
    )
    full_clean_or_refuse(statement)
    statement.save()
    violation_notify(
        violation,
        recipients=[violation.investigator],
        event=f"statement:{statement.pk}",
        text=gettext_noop("%(name)s submitted a statement on violation %(number)s."),
        params={"name": author.get_full_name()},
        actor=author,
    )
    return statement


# --- Decision ------------------------------------------------------------------------------


def _level_of(policy, level: SanctionLevel | None, default: SanctionLevel) -> SanctionLevel:
    level = level or default
    if level.policy_id != policy.pk:
        raise PenaltyError(
            _("Choose a sanction of the policy the violation type belongs to."), code="level"
        )
    return level


@transaction.atomic
def violation_verify(
    *,
    violation: Violation,
    by: User,
    violation_type: ViolationType,
    level: SanctionLevel | None = None,
    findings: str,
    note: str = "",
) -> Violation:
    """查实: the violation is verified. The person directly responsible gets the sanction (in
    force); where the policy says so, their head and supervising leader get proposals; for a
    unit at fault, its principal leaders are sanctioned and given a deadline to correct."""
    require_permission(by, HANDLE)
    violation = violation_lock(violation)
    _refuse_if_concerned(violation, by)
    violation_check_move(violation, State.VERIFIED)
    findings = _required_text(
        findings, _("Write the findings of the investigation."), "no_findings"
    )
    today = timezone.localdate()
    now = timezone.now()
    if violation.person_id is not None:
        if violation_type.unit_level:
            raise PenaltyError(
                _("A unit-level violation type is for a unit at fault, not for a person."),
                code="unit_level",
            )
        told = violation.statements.exists()
        if not told and (violation.statement_due is None or today <= violation.statement_due):
            raise PenaltyError(
                _(
                    "The person concerned may still submit a statement until %(date)s. "
                    "Decide after that date, or once they have submitted one."
                )
                % {"date": violation.statement_due.isoformat() if violation.statement_due else ""},
                code="statement_pending",
            )
    elif not violation_type.unit_level:
        raise PenaltyError(
            _("This violation names no person: choose a unit-level violation type."),
            code="not_unit_level",
        )
    policy = violation_type.policy
    level = _level_of(policy, level, violation_type.default_level)
    violation.policy = policy
    violation.violation_type = violation_type
    violation.state = State.VERIFIED
    violation.findings = findings
    violation.decision_note = (note or "").strip()
    violation.decided_at = now
    violation.decided_by = by

    def in_force(person: User, responsibility: str, sanction_level: SanctionLevel) -> Sanction:
        return Sanction(
            violation=violation,
            person=person,
            level=sanction_level,
            responsibility=responsibility,
            state=Sanction.State.IN_FORCE,
            proposed_at=now,
            decided_on=today,
            decided_at=now,
            decided_by=by,
            decision_note=violation.decision_note,
        )

    sanctions: list[Sanction] = []
    if violation.person_id is not None:
        person = violation.person
        sanctions.append(in_force(person, Sanction.Responsibility.DIRECT, level))
        if policy.leadership_chain:
            head, leader = leaders_up_the_chain(person_department(person) or violation.department)
            proposals = (
                (head, Sanction.Responsibility.PRINCIPAL, policy.principal_leader_level),
                (leader, Sanction.Responsibility.IMPORTANT, policy.important_leader_level),
            )
            named = {person.pk}
            for leader_user, responsibility, leader_level in proposals:
                if leader_user is None or leader_level is None or leader_user.pk in named:
                    continue
                named.add(leader_user.pk)
                sanctions.append(
                    Sanction(
                        violation=violation,
                        person=leader_user,
                        level=leader_level,
                        responsibility=responsibility,
                        state=Sanction.State.PROPOSED,
                        proposed_at=now,
                    )
                )
    else:
        leaders = unit_leaders(violation.department)
        if not leaders:
            raise PenaltyError(
                _(
                    "The unit has no head or supervising leader on record; enter them in the "
                    "organisation first."
                ),
                code="no_unit_leaders",
            )
        for leader_user in leaders:
            sanctions.append(in_force(leader_user, Sanction.Responsibility.UNIT_LEADER, level))
        violation.correction_due = work_calendar().add_working_days(
            today, policy.unit_correction_days
        )
    full_clean_or_refuse(violation)
    violation.save()
    for sanction in sanctions:
        full_clean_or_refuse(sanction)
        sanction.save()
    sanctioned = [s.person for s in sanctions if s.state == Sanction.State.IN_FORCE]
    year = assessment_year(policy, today)
    standings_recompute((person, year) for person in sanctioned)
    if violation.person_id is not None:
        text = gettext_noop(
            "Violation %(number)s concerning you was verified; sanction: %(level)s."
        )
    else:
        text = gettext_noop(
            "Violation %(number)s of your unit was verified; sanction: %(level)s. "
            "Correct it by %(due)s."
        )
    violation_notify(
        violation,
        recipients=sanctioned,
        event="verified",
        text=text,
        params={
            "level": level.name,
            "due": violation.correction_due.isoformat() if violation.correction_due else "",
        },
        actor=by,
    )
    return violation


@transaction.atomic
def violation_dismiss(*, violation: Violation, by: User, note: str) -> Violation:
    """Not verified: the violation is dismissed, with the reasons."""
    require_permission(by, HANDLE)
    violation = violation_lock(violation)
    _refuse_if_concerned(violation, by)
    violation_check_move(violation, State.DISMISSED)
    note = _required_text(note, _("Give the reasons for dismissing it."), "no_note")
    was_told = violation.state == State.INVESTIGATING
    violation.state = State.DISMISSED
    violation.decision_note = note
    violation.decided_at = timezone.now()
    violation.decided_by = by
    full_clean_or_refuse(violation)
    violation.save()
    if was_told:
        violation_notify(
            violation,
            recipients=[violation.person],
            event="dismissed",
            text=gettext_noop("Violation %(number)s concerning you was dismissed."),
            actor=by,
        )
    return violation


# --- Unit-level: the correction deadline ---------------------------------------------------


@transaction.atomic
def unit_correction_record(*, violation: Violation, by: User, note: str) -> Violation:
    """The unit at fault now runs the system: the deadline is met, with how it was done."""
    require_permission(by, HANDLE)
    violation = violation_lock(violation)
    if violation.state != State.VERIFIED or violation.correction_due is None:
        raise PenaltyError(
            _("Only a verified unit-level violation has a correction to record."),
            code="not_unit_level",
        )
    if violation.corrected_at is not None:
        raise PenaltyError(_("The correction is already recorded."), code="already_corrected")
    note = _required_text(note, _("Say how the unit corrected it."), "no_note")
    violation.corrected_at = timezone.now()
    violation.correction_note = note
    full_clean_or_refuse(violation)
    violation.save()
    return violation


def unit_deadlines_sweep(*, today: datetime.date | None = None) -> list[Sanction]:
    """Propose the policy's refusal sanction for each principal leader of a unit that let its
    correction deadline pass uncorrected. Keyed per violation and leader: proposed once."""
    today = today or timezone.localdate()
    created: list[Sanction] = []
    overdue_ids = list(
        Violation.objects.filter(
            state=State.VERIFIED,
            person__isnull=True,
            correction_due__lt=today,
            corrected_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in overdue_ids:
        with transaction.atomic():
            violation = Violation.objects.select_for_update().select_related("policy").get(pk=pk)
            level = violation.policy.unit_refusal_level
            if violation.corrected_at is not None or level is None:
                continue
            leaders = User.objects.filter(
                sanctions__violation=violation,
                sanctions__responsibility=Sanction.Responsibility.UNIT_LEADER,
                sanctions__proposal_key__isnull=True,
            ).distinct()
            for leader in leaders:
                key = f"unit:{violation.pk}:{leader.pk}"
                sanction, was_created = Sanction.objects.get_or_create(
                    proposal_key=key,
                    defaults={
                        "violation": violation,
                        "person": leader,
                        "level": level,
                        "responsibility": Sanction.Responsibility.UNIT_LEADER,
                        "state": Sanction.State.PROPOSED,
                        "proposed_at": timezone.now(),
                        "decision_note": _("The unit did not correct by %(date)s.")
                        % {"date": violation.correction_due.isoformat()},
                    },
                )
                if was_created:
                    created.append(sanction)
    return created
