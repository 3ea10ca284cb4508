"""Telling people about a case: an in-app notification, and an email after the commit.

`notify()` writes the rows inside the caller's transaction, so a rolled-back change tells
nobody; the (recipient, event) unique constraint makes the same event reach a person once.
Email goes out from `transaction.on_commit`; a row is claimed (emailed_at set) before sending,
so two workers never send the same email.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from inquiries.models import Department, Inquiry, Notification, User

logger = logging.getLogger(__name__)


def users_with_permission_in(*, department: Department, perm: str):
    """Active staff of `department` who hold `perm` through a role or directly."""
    app_label, codename = perm.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    return (
        User.objects.filter(is_active=True, profile__department=department)
        .filter(
            Q(groups__permissions=permission)
            | Q(user_permissions=permission)
            | Q(is_superuser=True)
        )
        .distinct()
    )


def notification_data(inquiry: Inquiry, by: User, **extra) -> dict:
    """What every case notification says: the case, its subject and who acted."""
    return {"number": inquiry.number, "subject": inquiry.subject, "by": by.get_full_name()} | extra


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    inquiry: Inquiry | None,
    event_key: str,
    actor: User | None = None,
    data: dict | None = None,
) -> list[Notification]:
    """Notify each recipient once about this event (the actor is not told of their own act)."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    now = timezone.now()
    created = []
    for user in people.values():
        notification, was_created = Notification.objects.get_or_create(
            recipient=user,
            event_key=event_key,
            defaults={"kind": kind, "inquiry": inquiry, "data": data or {}, "created_at": now},
        )
        if was_created:
            created.append(notification)
    if created:
        ids = [notification.pk for notification in created]
        transaction.on_commit(lambda: notifications_email(ids=ids))
    return created


def notifications_email(*, ids: Iterable[int]) -> int:
    """Email the given notifications that have not been emailed yet; returns how many went."""
    sent = 0
    queryset = Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True)
    for notification in queryset.select_related("recipient", "inquiry"):
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed or not notification.recipient.email:
            continue
        # Emails go out in the office's language: there is no per-person language setting.
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(notification.get_kind_display())
            body = notification.summary
            if notification.inquiry is not None:
                subject = f"[{notification.inquiry.number}] {subject}"
                url = reverse("inquiries:case_detail", args=[notification.inquiry.number])
                body = f"{body}\n\n{notification.inquiry.subject}\n{url}"
            elif notification.link:
                body = f"{body}\n\n{notification.link}"
        try:
            send_mail(subject, body, None, [notification.recipient.email])
        except Exception:
            # The in-app notification stands; a failed email is logged and may be retried.
            logger.exception("Could not email notification %s", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or the given ones) as read; returns how many."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
