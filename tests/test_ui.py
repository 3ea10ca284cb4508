"""Sign-in, password change, language switch, error pages and the home card."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from inquiries.roles import FRONT_DESK, HANDLER
from tests.factories import DepartmentFactory, StaffProfileFactory, UnitFactory, UserFactory

PASSWORD = "pass-firstask-2026"


@pytest.fixture
def staff_user(make_staff):
    return make_staff(roles=["front_desk"], username="zhangsan")


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html
    assert "密码" in html


def test_login_page_loads_nothing_from_the_internet(client):
    html = client.get(reverse("login")).content.decode()

    assert "http://" not in html
    assert "https://" not in html
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_login_with_good_credentials_goes_home(client, staff_user):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_leaves_no_audit_row_on_the_person(client, staff_user):
    before = staff_user.history.count()

    client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD})

    staff_user.refresh_from_db()
    assert staff_user.last_login is not None
    assert staff_user.history.count() == before


def test_login_with_a_wrong_password_stays_on_the_page_with_an_error(client, staff_user):
    response = client.post(reverse("login"), {"username": "zhangsan", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "请输入一个正确的用户名和密码" in html
    assert "_auth_user_id" not in client.session


def test_signed_in_user_sees_name_and_a_logout_form(client, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("home")).content.decode()

    assert staff_user.full_name in html
    assert f'action="{reverse("logout")}"' in html
    assert f'href="{reverse("password_change")}"' in html


def test_logout_by_post_signs_the_user_out(client, staff_user):
    client.force_login(staff_user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_password_change_with_the_right_old_password_works(client, staff_user):
    client.force_login(staff_user)
    new_password = "Qiao-men-2026-xin"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    staff_user.refresh_from_db()
    assert staff_user.check_password(new_password)
    done = client.get(reverse("password_change_done"))
    assert "您的密码已修改" in done.content.decode()


def test_password_change_with_a_wrong_old_password_shows_an_error(client, staff_user):
    client.force_login(staff_user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Qiao-2026-x", "new_password2": "Qiao-2026-x"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "你的旧密码不正确" in html
    assert 'class="field-errors"' in html
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


def test_language_switch_to_english_changes_the_page_language(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "用户名" not in html


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    # Office PCs are often set up in English; the UI stays Chinese unless chosen otherwise.
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html

    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html


def test_language_switch_offers_both_languages(client):
    html = client.get(reverse("login")).content.decode()

    assert f'action="{reverse("set_language")}"' in html
    assert 'value="en"' in html
    assert "简体中文" in html


def test_unknown_url_renders_our_404_page(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert f'href="{reverse("home")}"' in response.content.decode()


def test_permission_denied_renders_our_403_page(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("inquiries:organisation_import"))

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_500_page_renders_without_a_request_or_context_processors():
    html = render_to_string("500.html")

    assert "500" in html
    assert "<html" in html
    assert "firstask.css" in html


def test_home_shows_my_card_with_department_title_duty_phone_and_roles(client, db):
    unit = UnitFactory()
    department = DepartmentFactory(parent=unit, name="登记注册处", code="DJZC")
    user = UserFactory(username="lisi", full_name="李四", roles=["front_desk", "handler"])
    StaffProfileFactory(
        user=user,
        department=department,
        title="副处长",
        duty="负责企业登记咨询",
        office_phone="0531-88880001",
    )
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert "李四" in html
    assert "登记注册处" in html
    assert "副处长" in html
    assert "负责企业登记咨询" in html
    assert "0531-88880001" in html
    with translation.override("zh-hans"):
        assert str(FRONT_DESK.label) in html
        assert str(HANDLER.label) in html
    assert reverse("inquiries:department_detail", args=["DJZC"]) in html


def test_home_tells_a_user_without_profile_that_there_is_no_card(client, db):
    user = UserFactory(username="noprofile", full_name="王五")
    client.force_login(user)

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["profile"] is None
    assert 'class="alert alert-info"' in html
    with translation.override("zh-hans"):
        assert (
            gettext("Your account has no staff profile yet, so there is no card to show.") in html
        )


def test_home_warns_a_user_marked_away_and_names_the_delegate(client, make_staff):
    delegate = UserFactory(username="delegate", full_name="赵六")
    today = timezone.localdate()
    user = make_staff(
        username="traveller",
        availability="business_trip",
        away_from=today,
        away_until=today + datetime.timedelta(days=3),
        delegate=delegate,
    )
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert "alert-warning" in html
    assert "赵六" in html


def test_djangos_new_blank_choice_reads_chinese():
    from django.db.models.fields import BLANK_CHOICE_LABEL
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(BLANK_CHOICE_LABEL) == "- 请选择 -"
