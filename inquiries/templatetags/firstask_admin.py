"""Template tags for the admin screens."""

from django import template

from inquiries.calendar_status import calendar_warnings_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_warnings(context) -> list[str]:
    """{% calendar_warnings as warnings %}: the calendar warnings for the signed-in user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return []
    return calendar_warnings_for_user(user)
