"""The main navigation shows each user only what their roles allow; pages need a sign-in."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from firstask.navigation import navigation
from tests.factories import UserFactory

IMPORT = reverse("inquiries:organisation_import")
ADMIN = reverse("admin:index")
CASE_WORK = [
    reverse("inquiries:intake_visit"),
    reverse("inquiries:my_cases"),
    reverse("inquiries:referral_inbox"),
    reverse("inquiries:case_search"),
    reverse("inquiries:phone_register"),
]


def nav_urls(client):
    return [item["url"] for item in client.get(reverse("home")).context["nav_items"]]


def test_front_desk_sees_case_work_and_directory_but_no_configuration(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    urls = nav_urls(client)

    assert urls == [
        reverse("home"),
        *CASE_WORK,
        reverse("penalties:my_record"),
        reverse("inquiries:directory"),
    ]


def test_front_desk_page_has_no_links_to_import_or_admin(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    html = client.get(reverse("home")).content.decode()

    assert f'href="{IMPORT}"' not in html
    assert f'href="{ADMIN}"' not in html


def test_administrator_sees_every_item(client, db):
    admin = UserFactory(roles=["administrator"], is_staff=True)
    client.force_login(admin)

    html = client.get(reverse("home")).content.decode()

    assert nav_urls(client) == [
        reverse("home"),
        *CASE_WORK,
        reverse("inquiries:supervision"),
        reverse("inquiries:statistics"),
        reverse("penalties:assessment"),
        reverse("penalties:my_record"),
        reverse("inquiries:directory"),
        IMPORT,
        ADMIN,
    ]
    assert f'href="{IMPORT}"' in html
    assert f'href="{ADMIN}"' in html


def test_administrator_role_without_staff_flag_gets_no_admin_link(client, db):
    client.force_login(UserFactory(roles=["administrator"], is_staff=False))

    assert ADMIN not in nav_urls(client)


def test_home_is_the_current_item_on_the_home_page(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    html = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("home")}" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1


def test_anonymous_request_gets_no_navigation(db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert navigation(request) == {"nav_items": []}


@pytest.mark.parametrize("url", ["/", "/directory/", "/directory/BGS/"])
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("inquiries:intake_visit", "inquiries:intake_visit"),
        ("inquiries:my_cases", "inquiries:my_cases"),
        ("inquiries:referral_inbox", "inquiries:referral_inbox"),
        ("inquiries:visit_register", "inquiries:phone_register"),
    ],
)
def test_exactly_one_item_is_current_on_case_pages(client, make_staff, path, expected):
    client.force_login(make_staff(roles=["front_desk"]))

    items = client.get(reverse(path)).context["nav_items"]

    assert [item["url"] for item in items if item["active"]] == [reverse(expected)]


def test_no_item_is_current_on_the_notifications_page(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    items = client.get(reverse("inquiries:notifications")).context["nav_items"]

    assert not any(item["active"] for item in items)


def test_only_the_referrals_item_carries_a_count(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    items = client.get(reverse("home")).context["nav_items"]

    assert [item["url"] for item in items if item["count"]] == [reverse("inquiries:referral_inbox")]


def test_without_the_counts_context_processor_the_badge_is_empty_and_costs_nothing(
    client, make_staff, settings
):
    options = settings.TEMPLATES[0]["OPTIONS"]
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **options,
                "context_processors": [
                    name
                    for name in options["context_processors"]
                    if name != "inquiries.context_processors.case_counts"
                ],
            },
        }
    ]
    client.force_login(make_staff(roles=["front_desk"]))

    response = client.get(reverse("home"))

    referrals = next(i for i in response.context["nav_items"] if i["count"])
    assert referrals["count"]() is None
    assert 'class="badge"' not in response.content.decode()


def test_the_header_links_to_the_notifications(client, make_staff):
    client.force_login(make_staff(roles=["front_desk"]))

    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("inquiries:notifications")}"' in html


@pytest.mark.parametrize("role", ["department_head", "supervising_leader"])
def test_supervisors_see_the_supervision_dashboard(client, make_staff, role):
    client.force_login(make_staff(roles=[role]))

    assert reverse("inquiries:supervision") in nav_urls(client)


def test_front_desk_and_handlers_do_not_see_the_supervision_dashboard(client, make_staff):
    client.force_login(make_staff(roles=["front_desk", "handler"]))

    assert reverse("inquiries:supervision") not in nav_urls(client)


def test_the_supervision_item_is_current_on_the_dashboard(client, make_staff):
    client.force_login(make_staff(roles=["department_head"]))

    items = client.get(reverse("inquiries:supervision")).context["nav_items"]

    assert [item["url"] for item in items if item["active"]] == [reverse("inquiries:supervision")]


def test_discipline_role_sees_violations_and_every_assessment(client, make_staff):
    client.force_login(make_staff(roles=["discipline"]))

    urls = nav_urls(client)

    assert reverse("penalties:violation_list") in urls
    assert reverse("penalties:assessment") in urls
    assert reverse("inquiries:supervision") not in urls


def test_a_supervisor_who_leads_no_department_gets_an_empty_assessment(client, make_staff):
    client.force_login(make_staff(roles=["supervising_leader"]))

    assert reverse("penalties:assessment") in nav_urls(client)
    assert client.get(reverse("penalties:assessment")).status_code == 200


def test_a_handler_has_no_assessment_of_others(client, make_staff):
    client.force_login(make_staff(roles=["handler"]))

    assert reverse("penalties:assessment") not in nav_urls(client)
    assert client.get(reverse("penalties:assessment")).status_code == 403
