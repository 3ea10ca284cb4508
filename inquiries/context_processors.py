"""What waits for the signed-in user, for the header and the navigation on every page.

The counts are read lazily, once per request: a page that shows them pays one query for
both; an htmx fragment, which shows neither, pays nothing.
"""

from functools import cached_property

from inquiries.selectors_referrals import user_waiting_counts

_ATTRIBUTE = "_firstask_case_counts"


class CaseCounts:
    """Pending referrals waiting for the user and their unread notifications."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def _counts(self) -> dict[str, int]:
        return user_waiting_counts(self._user)

    @property
    def referrals_waiting(self) -> int:
        return self._counts["referrals_waiting"]

    @property
    def notifications_unread(self) -> int:
        return self._counts["notifications_unread"]


def case_counts_of(request) -> CaseCounts | None:
    """The counts `case_counts` put on this request, or None (signed out, or the context
    processor is not installed). The navigation reads its badge from here."""
    return getattr(request, _ATTRIBUTE, None)


def case_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"case_counts": None}
    counts = case_counts_of(request)
    if counts is None:
        counts = CaseCounts(user)
        setattr(request, _ATTRIBUTE, counts)
    return {"case_counts": counts}
