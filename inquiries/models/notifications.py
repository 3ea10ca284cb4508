from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something a person should know about a case. One per person and event, never two."""

    class Kind(models.TextChoices):
        REFERRAL_RECEIVED = "referral_received", _("A case was referred to you")
        REFERRAL_TO_DEPARTMENT = (
            "referral_to_department",
            _("A case was referred to your department"),
        )
        REFERRAL_ACCEPTED = "referral_accepted", _("Your case was accepted")
        REFERRAL_RETURNED = "referral_returned", _("A case was returned")
        HANDLER_ABSENT = "handler_absent", _("The handler is away and has no delegate")
        COORDINATION = "coordination", _("A case needs the office's coordination")
        REPLIED = "replied", _("A reply is ready for feedback")
        SENT_BACK = "sent_back", _("A reply was sent back")
        CLOSED = "closed", _("A case was closed")
        PRESSED = "pressed", _("A case was pressed by a supervisor")
        FINDING = "finding", _("The sweep found a lapse")
        DIGEST = "digest", _("Daily supervision digest")
        EXTENSION_REQUESTED = "extension_requested", _("An extension was requested")
        EXTENSION_DECIDED = "extension_decided", _("An extension was decided")
        RECTIFICATION = "rectification", _("A low rating needs rectification")
        # Announced by other apps (the penalties app): the sentence is a msgid in `data`.
        ACCOUNTABILITY = "penalty", _("Accountability")

    recipient = models.ForeignKey(
        "User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    inquiry = models.ForeignKey(
        "Inquiry",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # What happened, e.g. "referral:12:accepted"; with the recipient it is unique, so the same
    # event never reaches the same person twice.
    event_key = models.CharField(_("event"), max_length=100)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.get_kind_display()}"

    @property
    def link(self) -> str | None:
        """Where the notification leads: its case, or a local path another app gave."""
        if self.inquiry_id is not None:
            return None  # the case page, through the list's "read" redirect
        url = self.data.get("url", "")
        if isinstance(url, str) and url.startswith("/") and not url.startswith(("//", "/\\")):
            return url
        return None

    @property
    def summary(self) -> str:
        """One sentence about what happened, in the active language."""
        data = self.data
        kinds = self.Kind
        number = data.get("number", "")
        if self.kind in {kinds.REFERRAL_RECEIVED, kinds.REFERRAL_TO_DEPARTMENT}:
            return _("%(by)s referred case %(number)s to %(to)s: %(subject)s") % {
                "by": data.get("by", ""),
                "number": number,
                "to": data.get("to", ""),
                "subject": data.get("subject", ""),
            }
        if self.kind == kinds.REFERRAL_ACCEPTED:
            return _("%(by)s accepted case %(number)s.") % {
                "by": data.get("by", ""),
                "number": number,
            }
        if self.kind == kinds.REFERRAL_RETURNED:
            return _("%(by)s returned case %(number)s: %(reason)s") % {
                "by": data.get("by", ""),
                "number": number,
                "reason": data.get("reason", ""),
            }
        if self.kind == kinds.HANDLER_ABSENT:
            return _(
                "Case %(number)s was referred to %(to)s, who is away with no delegate: it waits."
            ) % {"number": number, "to": data.get("to", "")}
        if self.kind == kinds.COORDINATION:
            return _("Case %(number)s needs coordination: %(subject)s") % {
                "number": number,
                "subject": data.get("subject", ""),
            }
        if self.kind == kinds.REPLIED:
            return _("%(by)s replied on case %(number)s; tell the requester and close it.") % {
                "by": data.get("by", ""),
                "number": number,
            }
        if self.kind == kinds.SENT_BACK:
            return _("%(by)s sent case %(number)s back: %(reason)s") % {
                "by": data.get("by", ""),
                "number": number,
                "reason": data.get("reason", ""),
            }
        if self.kind == kinds.PRESSED:
            return _("%(by)s pressed case %(number)s: respond by %(date)s. %(message)s") % {
                "by": data.get("by", ""),
                "number": number,
                "date": data.get("respond_by", ""),
                "message": data.get("message", ""),
            }
        if self.kind == kinds.EXTENSION_REQUESTED:
            return _(
                "%(by)s asks %(days)s more working days for case %(number)s (to %(date)s): "
                "%(reason)s"
            ) % {
                "by": data.get("by", ""),
                "days": data.get("extra_days", ""),
                "number": number,
                "date": data.get("new_deadline", ""),
                "reason": data.get("reason", ""),
            }
        if self.kind == kinds.EXTENSION_DECIDED:
            template = (
                _("%(by)s approved the extension of case %(number)s to %(date)s.")
                if data.get("approved")
                else _("%(by)s refused the extension of case %(number)s.")
            )
            return template % {
                "by": data.get("by", ""),
                "number": number,
                "date": data.get("new_deadline", ""),
            }
        if self.kind == kinds.ACCOUNTABILITY:
            # The announcing app marks its sentences with gettext_noop; translated on reading.
            text, params = data.get("text", ""), data.get("params", {})
            try:
                return gettext(text) % params if text else str(self.get_kind_display())
            except (KeyError, TypeError, ValueError):
                return gettext(text)
        if self.kind == kinds.RECTIFICATION:
            # Imported here: only this sentence needs them.
            from inquiries.models.cases import _display_date
            from inquiries.models.ratings import Rating

            level = data.get("level")
            return _(
                "Case %(number)s was rated “%(level)s”: call the requester back and rectify "
                "by %(due)s."
            ) % {
                "number": number,
                "level": Rating.Level(level).label if level in Rating.Level.values else "",
                "due": _display_date(data.get("due", "")),
            }
        if self.kind == kinds.CLOSED:
            return _("%(by)s closed case %(number)s.") % {
                "by": data.get("by", ""),
                "number": number,
            }
        if self.kind in {kinds.FINDING, kinds.DIGEST}:
            # Imported here: only the sweep's two sentences need them.
            from inquiries.models.cases import _display_date
            from inquiries.models.supervision import Finding

            def label(kind: str) -> str:
                return str(Finding.Kind(kind).label) if kind in Finding.Kind.values else kind

            if self.kind == kinds.FINDING and data.get("finding"):
                return _("Case %(number)s: %(finding)s (was due %(due)s).") % {
                    "number": number,
                    "finding": label(data["finding"]),
                    "due": _display_date(data.get("due", "")),
                }
            if self.kind == kinds.DIGEST and "counts" in data:
                lines = [
                    _("%(finding)s: %(count)s (%(numbers)s)")
                    % {
                        "finding": label(kind),
                        "count": count,
                        "numbers": ", ".join(data.get("numbers", {}).get(kind, [])),
                    }
                    for kind, count in data["counts"].items()
                ]
                return _("Supervision digest for %(date)s, %(total)s new findings: %(lines)s") % {
                    "date": _display_date(data.get("date", "")),
                    "total": data.get("total", 0),
                    "lines": "; ".join(lines),
                }
        return str(self.get_kind_display())
