"""The main navigation: each entry shows only to users who may use it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # A permission the user needs, or "staff" for Django admin access; None: every signed-in user.
    requires: str | None = None

    def visible_to(self, user) -> bool:
        if self.requires is None:
            return True
        if self.requires == "staff":
            return user.is_active and user.is_staff
        return user.has_perm(self.requires)


NAV_ITEMS = (
    NavItem(_("Home"), "home"),
    NavItem(_("Register"), "inquiries:intake_visit", "inquiries.register_inquiry"),
    NavItem(_("My cases"), "inquiries:my_cases", "inquiries.register_inquiry"),
    NavItem(_("Registers"), "inquiries:phone_register", "inquiries.register_inquiry"),
    NavItem(_("Directory"), "inquiries:directory"),
    NavItem(
        _("Import organisation"),
        "inquiries:organisation_import",
        "inquiries.import_organisation",
    ),
    NavItem(_("Administration"), "admin:index", "staff"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = request.path
    items = []
    for item in NAV_ITEMS:
        if item.visible_to(user):
            url = reverse(item.url_name)
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "active": current == url or (url != "/" and current.startswith(url)),
                }
            )
    return {"nav_items": items}
