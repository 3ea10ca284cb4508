"""{% tracking_qr %}: the QR code of the public tracking page, for the printed sheets."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from inquiries.qrcode import qr_svg, tracking_url

register = template.Library()


@register.simple_tag(takes_context=True)
def tracking_qr(context) -> SafeString:
    """An inline SVG of the tracking page's address only: never the case number or the
    tracking code, which the person types on that page."""
    return qr_svg(tracking_url(context["request"]), title=_("QR code of the tracking address"))


@register.simple_tag(takes_context=True)
def tracking_address(context) -> str:
    """The tracking page's absolute address, as printed beside its QR code."""
    return tracking_url(context["request"])
