from inquiries.models.calendar import CalendarOverride
from inquiries.models.cases import (
    TRANSITIONS,
    CaseFlag,
    CaseNumberCounter,
    Channel,
    FeedbackMethod,
    Inquiry,
    Notice,
    NoticeItem,
    Path,
    Status,
    TimelineEvent,
)
from inquiries.models.catalog import (
    CasePolicy,
    Kind,
    RequiredMaterial,
    ServiceMatter,
    TabooPhrase,
)
from inquiries.models.notifications import Notification
from inquiries.models.organisation import Department, StaffProfile, User, profile_is_away
from inquiries.models.privacy import AccessRecord, RetentionRule
from inquiries.models.ratings import Rating, Rectification
from inquiries.models.referrals import Referral
from inquiries.models.statistics import StatisticsHandlingTime, StatisticsMonth, StatisticsRow
from inquiries.models.supervision import ExportRecord, ExtensionRequest, Finding, PressNotice

__all__ = [
    "TRANSITIONS",
    "AccessRecord",
    "CalendarOverride",
    "CaseFlag",
    "CaseNumberCounter",
    "CasePolicy",
    "Channel",
    "Department",
    "ExportRecord",
    "ExtensionRequest",
    "FeedbackMethod",
    "Finding",
    "Inquiry",
    "Kind",
    "Notice",
    "NoticeItem",
    "Notification",
    "Path",
    "PressNotice",
    "Rating",
    "Rectification",
    "Referral",
    "RequiredMaterial",
    "RetentionRule",
    "ServiceMatter",
    "StaffProfile",
    "StatisticsHandlingTime",
    "StatisticsMonth",
    "StatisticsRow",
    "Status",
    "TabooPhrase",
    "TimelineEvent",
    "User",
    "profile_is_away",
]
