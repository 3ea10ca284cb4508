"""QR codes drawn here as inline SVG (segno): no image service, nothing from the internet.

The printed sheets carry a QR code of the tracking page's address and nothing else. The case
number and tracking code are printed beside it as text for the person to type: an address
must never carry a credential or personal data (it ends up in browser histories and logs).
"""

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

# Error correction M (15 % of the code may be damaged): a folded or smudged receipt still
# scans, and the short address stays a small symbol.
QR_ERROR = "m"
# One module in SVG user units; the printed size is set by the print CSS (`.sheet-qr svg`).
QR_SCALE = 4
# The quiet zone the standard asks for, in modules.
QR_BORDER = 4


def tracking_url(request: HttpRequest) -> str:
    """The absolute address of the public tracking page, as the requester's phone reaches it."""
    return request.build_absolute_uri(reverse("inquiries:track"))


def qr_svg(data: str, *, title: str = "") -> SafeString:
    """`data` as a QR code in an inline `<svg>` element (no width or height: CSS sizes it)."""
    svg = segno.make(data, error=QR_ERROR, micro=False).svg_inline(
        scale=QR_SCALE,
        border=QR_BORDER,
        omitsize=True,
        title=title or None,
        svgclass="qr-code",
    )
    # segno escapes the title and writes nothing else that comes from outside.
    return mark_safe(svg)
