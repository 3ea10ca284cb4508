"""A clerk typing a long entry is not signed out for inactivity: the page tells the server."""

from tests.browser.test_intake_browser import make_clerk, sign_in


def test_typing_into_the_intake_form_tells_the_server_the_clerk_is_active(live_server, page):
    make_clerk()
    page.clock.install()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/cases/new/")
    pings = []
    page.on(
        "request",
        lambda request: pings.append(request.method) if "/account/alive/" in request.url else None,
    )

    page.locator("#id_subject").fill("咨询")  # just loaded: no ping yet
    page.clock.fast_forward("05:01")
    with page.expect_response(lambda response: "/account/alive/" in response.url) as answer:
        page.locator("#id_subject").press_sequentially("食品经营许可")

    assert answer.value.status == 204
    assert pings == ["POST"]
