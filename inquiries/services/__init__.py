"""Writes. Every change to a case, a referral or a notification goes through a function here.

`core` holds the primitives (the error, the timeline, the status check); `cases` the case's
own life (registration, paths, notices, closure); `referrals` hand-overs between people and
departments; `notifications` what people are told about it.
"""

from inquiries.services.cases import (
    Requester,
    default_feedback_method,
    department_directions,
    inquiry_add_note,
    inquiry_close,
    inquiry_decide_path,
    inquiry_materials_complete,
    inquiry_number_next,
    inquiry_record_disclosure,
    inquiry_register,
    inquiry_reopen,
    inquiry_reply,
    inquiry_send_back,
    inquiry_start_handling,
    notice_issue,
    time_limit_days_for,
)
from inquiries.services.core import InquiryError, inquiry_transition
from inquiries.services.notifications import (
    notification_mark_read,
    notifications_email,
    notify,
)
from inquiries.services.ratings import rating_submit, rectification_record
from inquiries.services.referrals import (
    office_coordinate,
    office_of,
    referral_accept,
    referral_create,
    referral_pending_for,
    referral_return,
    supervising_leader_of,
)

__all__ = [
    "InquiryError",
    "Requester",
    "default_feedback_method",
    "department_directions",
    "inquiry_add_note",
    "inquiry_close",
    "inquiry_decide_path",
    "inquiry_materials_complete",
    "inquiry_number_next",
    "inquiry_record_disclosure",
    "inquiry_register",
    "inquiry_reopen",
    "inquiry_reply",
    "inquiry_send_back",
    "inquiry_start_handling",
    "inquiry_transition",
    "notice_issue",
    "notification_mark_read",
    "notifications_email",
    "notify",
    "office_coordinate",
    "office_of",
    "rating_submit",
    "rectification_record",
    "referral_accept",
    "referral_create",
    "referral_pending_for",
    "referral_return",
    "supervising_leader_of",
    "time_limit_days_for",
]
