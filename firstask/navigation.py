"""The main navigation: each entry shows only to users who may use it."""

from dataclasses import dataclass
from functools import partial

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inquiries.context_processors import case_counts_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # A permission the user needs (or a tuple: any one of them), or "staff" for Django admin
    # access; None: every signed-in user.
    requires: str | tuple[str, ...] | None = None
    # The paths this item stands for, when more than its own URL (e.g. every register).
    section: str | None = None
    # A count shown beside the label: the name of an attribute of the request's case counts
    # (inquiries.context_processors.CaseCounts), e.g. the referrals waiting for the user.
    badge: str | None = None

    def visible_to(self, user) -> bool:
        if self.requires is None:
            return True
        if self.requires == "staff":
            return user.is_active and user.is_staff
        if isinstance(self.requires, tuple):
            return any(user.has_perm(perm) for perm in self.requires)
        return user.has_perm(self.requires)


NAV_ITEMS = (
    NavItem(_("Home"), "home"),
    NavItem(_("Register"), "inquiries:intake_visit", "inquiries.register_inquiry"),
    NavItem(_("My cases"), "inquiries:my_cases", "inquiries.register_inquiry"),
    NavItem(
        _("Referrals"),
        "inquiries:referral_inbox",
        "inquiries.register_inquiry",
        badge="referrals_waiting",
    ),
    NavItem(_("Search"), "inquiries:case_search", "inquiries.register_inquiry"),
    NavItem(
        _("Registers"),
        "inquiries:phone_register",
        "inquiries.register_inquiry",
        section="/registers/",
    ),
    NavItem(_("Supervision"), "inquiries:supervision", "inquiries.supervise_inquiry"),
    NavItem(_("Statistics"), "inquiries:statistics", "inquiries.supervise_inquiry"),
    NavItem(
        _("Violations"),
        "penalties:violation_list",
        "penalties.handle_violation",
        section="/accountability/violations/",
    ),
    NavItem(
        _("Assessment"),
        "penalties:assessment",
        ("penalties.view_all_assessments", "inquiries.supervise_inquiry"),
        section="/accountability/assessment/",
    ),
    NavItem(_("My record"), "penalties:my_record", section="/accountability/my-record/"),
    NavItem(_("Directory"), "inquiries:directory"),
    NavItem(
        _("Import organisation"),
        "inquiries:organisation_import",
        "inquiries.import_organisation",
    ),
    NavItem(_("Administration"), "admin:index", "staff"),
)


def _badge(request, name: str) -> int | None:
    counts = case_counts_of(request)
    return getattr(counts, name) if counts is not None else None


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for item in NAV_ITEMS:
        if item.visible_to(user):
            url = reverse(item.url_name)
            prefix = item.section or url
            # Read when the template shows it, so a page fragment costs no query.
            count = partial(_badge, request, item.badge) if item.badge else None
            items.append(
                {"label": item.label, "url": url, "prefix": prefix, "active": False, "count": count}
            )
    # The current page belongs to the item with the longest matching path: /cases/new/ is
    # "Register", not also "My cases" (/cases/).
    matches = [i for i in items if current == i["url"] or current.startswith(i["prefix"])]
    matches = [i for i in matches if i["prefix"] != "/" or current == "/"]
    if matches:
        max(matches, key=lambda i: len(i["prefix"]))["active"] = True
    return {"nav_items": items}
