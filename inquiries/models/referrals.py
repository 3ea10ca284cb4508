"""Referrals (转办): the work moves between people and departments; the case's first responder
stays responsible throughout."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Referral(models.Model):
    """One hand-over of a case to a person, a department's queue, the office or a leader."""

    class Target(models.TextChoices):
        COLLEAGUE = "colleague", _("Colleague in the same department")
        DEPARTMENT = "department", _("Another department")
        OFFICE = "office", _("The office, to coordinate")
        LEADER = "leader", _("The supervising leader, for instructions")
        CONTRIBUTION = "contribution", _("A department contributing to a cross-department case")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be accepted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    inquiry = models.ForeignKey(
        "Inquiry", verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals"
    )
    target = models.CharField(_("referred to"), max_length=20, choices=Target.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )

    from_user = models.ForeignKey(
        "User", verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    from_department = models.ForeignKey(
        "Department",
        verbose_name=_("from department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        "User",
        verbose_name=_("to person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
    )
    to_department = models.ForeignKey(
        "Department",
        verbose_name=_("to department"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    intended_user = models.ForeignKey(
        "User",
        verbose_name=_("meant for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The person it was meant for, when they were away and a delegate took it."),
    )
    waiting_for_absent = models.BooleanField(
        _("waiting for an absent handler"),
        default=False,
        help_text=_("Sent to someone away with no delegate: the department head sees it."),
    )
    is_lead = models.BooleanField(
        _("lead department"),
        default=True,
        help_text=_("A cross-department case has one lead; the others contribute."),
    )

    reason = models.TextField(_("why"), blank=True)
    told = models.TextField(_("what the requester was told"), blank=True)
    # The requester's unit, name, phone and matter as handed over (第四篇: kept for the
    # hand-over even if the case is edited later).
    handover = models.JSONField(_("hand-over details"), default=dict, blank=True)

    created_at = models.DateTimeField(_("referred at"))
    accept_due = models.DateField(_("to be accepted by"))
    decided_at = models.DateTimeField(_("accepted or returned at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "User",
        verbose_name=_("accepted or returned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        "User",
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The department head who assigned a department referral to a member."),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["to_user", "state"], name="referral_to_user_state"),
            models.Index(fields=["to_department", "state"], name="referral_to_dept_state"),
            models.Index(fields=["state", "accept_due"], name="referral_state_due"),
            # A department's (or the office's) queue by target and state; the id at the end
            # lets the inbox's counts read the index only.
            models.Index(
                fields=["to_department", "target", "state", "accept_due", "id"],
                name="referral_queue",
            ),
            models.Index(fields=["from_user", "state"], name="referral_from_user_state"),
            # The visibility filter's `pk IN (referred to the department or office)`: index only.
            models.Index(
                fields=["to_department", "target", "inquiry"], name="referral_dept_inquiry"
            ),
            # The dashboard's "not accepted in time": the few pending referrals, index only.
            models.Index(
                fields=["accept_due", "inquiry"],
                name="referral_pending_due",
                condition=Q(state="pending"),
            ),
            # The inbox's branches (one department and target each), newest first.
            models.Index(
                fields=["to_department", "target", "created_at", "id"],
                name="referral_dept_created",
            ),
            # What waits for a member who is away with no delegate (the head's; a handful).
            models.Index(
                fields=["to_department"],
                name="referral_waiting_absent",
                condition=Q(waiting_for_absent=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="referral_returned_has_reason",
                violation_error_message=_("A returned referral says why."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(state="withdrawn") | Q(decided_at__isnull=False),
                name="referral_decided_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.inquiry_id} → {self.to_user or self.to_department}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
