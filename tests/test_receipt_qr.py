"""The receipt and the one-time notice carry a QR code of the tracking page, drawn here as an
inline SVG: the address only, never the case number or the tracking code."""

import re

import pytest
import segno
from django.test import RequestFactory

from inquiries import services
from inquiries.qrcode import QR_BORDER, QR_ERROR, QR_SCALE, qr_svg, tracking_url
from tests.test_case_page import build_organisation, case_url, english_client, register_case

TRACK_URL = "http://testserver/track/"
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


@pytest.fixture
def org(db):
    return build_organisation()


@pytest.fixture
def clerk_client(client, org):
    client.force_login(org.clerk)
    return english_client(client)


def qr_of(html: str) -> str:
    """The one QR code of a printed sheet."""
    codes = [svg for svg in _SVG.findall(html) if 'class="qr-code"' in svg]
    assert len(codes) == 1
    return codes[0]


def expected_qr(url: str) -> str:
    """What segno itself draws for `url` (segno cannot decode, so we compare drawings)."""
    return segno.make(url, error=QR_ERROR, micro=False).svg_inline(
        scale=QR_SCALE, border=QR_BORDER, omitsize=True, svgclass="qr-code"
    )


def paths_of(svg: str) -> list[str]:
    """The modules drawn, without the title (which is translated)."""
    return re.findall(r"<path[^>]*>", svg)


def test_the_tracking_url_is_the_absolute_address_of_the_tracking_page(settings):
    settings.ALLOWED_HOSTS = ["fw.example.cn"]
    request = RequestFactory().get("/cases/x/receipt/", secure=True, HTTP_HOST="fw.example.cn")

    assert tracking_url(request) == "https://fw.example.cn/track/"


def test_the_helper_draws_exactly_what_segno_draws_for_the_address():
    assert qr_svg(TRACK_URL) == expected_qr(TRACK_URL)
    assert qr_svg(TRACK_URL) != expected_qr(TRACK_URL + "x")


def test_the_helper_escapes_its_title():
    svg = qr_svg(TRACK_URL, title="<b>二维码</b>")

    assert "<title>&lt;b&gt;二维码&lt;/b&gt;</title>" in svg
    assert "<b>" not in svg


def test_the_qr_code_is_inline_with_no_size_so_print_css_sizes_it():
    svg = qr_svg(TRACK_URL)

    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert "viewBox=" in svg
    assert not re.search(r"<svg[^>]*\s(width|height)=", svg)
    assert "href" not in svg  # nothing fetched from anywhere


def test_the_receipt_shows_the_qr_code_of_the_tracking_page_beside_the_code(clerk_client, org):
    inquiry = register_case(org)

    html = clerk_client.get(case_url("case_receipt", inquiry)).content.decode()

    qr = qr_of(html)
    assert paths_of(qr) == paths_of(expected_qr(TRACK_URL))
    assert "QR code of the tracking address" in qr
    # The credential is printed as text, outside the code, and the code is not of an address
    # that carries it.
    assert inquiry.tracking_code not in qr and inquiry.number not in qr
    assert paths_of(qr) != paths_of(expected_qr(f"{TRACK_URL}?code={inquiry.tracking_code}"))
    outside = _SVG.sub("", html)
    assert inquiry.tracking_code in outside
    assert TRACK_URL in outside
    assert "Scan to open the tracking page" in html
    assert "<img" not in html.split("<main", 1)[1]


def test_the_notice_shows_the_tracking_address_code_and_qr_code(clerk_client, org):
    inquiry = register_case(org, matter=org.matter)
    services.notice_issue(inquiry=inquiry, by=org.clerk, received_material_ids=[])

    html = clerk_client.get(case_url("notice_print", inquiry, 1)).content.decode()

    qr = qr_of(html)
    assert paths_of(qr) == paths_of(expected_qr(TRACK_URL))
    assert inquiry.tracking_code not in qr and inquiry.number not in qr
    outside = re.sub(r"\s+", " ", _SVG.sub("", html))
    assert "Follow this case at" in outside
    assert TRACK_URL in outside
    assert f"tracking code <strong>{inquiry.tracking_code}</strong>" in outside


def test_the_qr_code_follows_the_host_the_sheet_was_opened_on(client, org, settings):
    settings.ALLOWED_HOSTS = ["shouwen.example.gov.cn"]
    inquiry = register_case(org)
    client.force_login(org.clerk)

    html = client.get(
        case_url("case_receipt", inquiry), headers={"host": "shouwen.example.gov.cn"}
    ).content.decode()

    assert paths_of(qr_of(html)) == paths_of(expected_qr("http://shouwen.example.gov.cn/track/"))
