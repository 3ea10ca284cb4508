"""The access-control matrix: every URL of the project, every role, the expected answer.

Each URL pattern has an entry: how to build its URL from a small world (tests/access_world.py),
and for GET and (where the view changes data) an empty POST the answer each actor gets:

- anonymous visitors are sent to the login page (LOGIN) except on the public pages;
- a page a role may not open answers 403; a record the user may not see answers 404 (never
  403, which would tell that it exists) — the handler of another department is the witness;
- a view that only changes data answers GET with 405;
- an empty POST that passed the access checks shows its form again with the errors (200 or
  400) or does what it does (302; every request runs in a transaction that is rolled back).

The expected answers are written from the rules (inquiries/roles.py's permission table,
inquiries/permissions.py, penalties/permissions.py), not copied from what the app answers.
A URL pattern without an entry fails `test_every_url_pattern_has_an_entry`, naming it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inquiries import permissions as case_rules
from inquiries.models import Inquiry
from inquiries.roles import ROLES_BY_CODE
from tests.access_world import ACTORS, World, build_world

LOGIN = "login"  # a 302 to the login page
ADMIN_LOGIN = "admin_login"  # a 302 to the admin's login page
# An empty POST got past the access checks: the form shown again with its errors (200 or
# 400), or done (302).
DONE = (200, 302, 400)
STAFF = ACTORS[1:]
# The roles each actor holds (the other department's handler is a plain handler).
ACTOR_ROLES = {
    "front_desk": "front_desk",
    "handler": "handler",
    "head": "department_head",
    "leader": "supervising_leader",
    "coordinator": "office_coordinator",
    "discipline": "discipline",
    "administrator": "administrator",
    "other_handler": "handler",
}


def holds(actor: str, *perms: str) -> bool:
    """Whether the actor's role grants every permission, read from the role table."""
    if actor == "anonymous":
        return False
    granted = ROLES_BY_CODE[ACTOR_ROLES[actor]].permissions
    return all(perm in granted for perm in perms)


# --- The expected answers, from the rules -----------------------------------------------------

# Department A's open cases (registered by its front desk, held or handled in A) are seen by:
# the first responder, the holder, A's handlers (A handles it) and its head, A's supervising
# leader (supervise_inquiry over what A received), and whoever holds view_all_inquiries
# (discipline, administrator). Not by the office coordinator (not coordinating, not an online
# letter) nor by another department's handler. The closed case was answered on the spot by the
# front desk: no department handles it, so A's plain handler does not see it either.
# `test_the_case_viewers_are_those_the_visibility_rule_names` checks these against
# inquiry_visibility_q.
CASE_VIEWERS = frozenset({"front_desk", "handler", "head", "leader", "discipline", "administrator"})
VIEWERS = {
    "case": CASE_VIEWERS,
    "referred": CASE_VIEWERS,
    "noticed": CASE_VIEWERS,
    "closed": CASE_VIEWERS - {"handler"},
}


def everyone(status=200, *, anonymous=LOGIN, **overrides) -> dict:
    return {"anonymous": anonymous, **dict.fromkeys(STAFF, status), **overrides}


def public(status=200) -> dict:
    return dict.fromkeys(ACTORS, status)


def with_perm(*perms, yes=200, no=403, **overrides) -> dict:
    answers = {actor: (yes if holds(actor, *perms) else no) for actor in STAFF}
    return {"anonymous": LOGIN, **answers, **overrides}


def case_page(status=200) -> dict:
    return {
        "anonymous": LOGIN,
        **{actor: (status if actor in CASE_VIEWERS else 404) for actor in STAFF},
    }


POST_ONLY_GET = everyone(405)  # login first, then the method check


def case_action(action: str, case: str = "case") -> Callable:
    """An empty POST of a case action: 404 unless the case is visible, then 403 unless the
    action is among inquiry_actions (the rule the case page and the view both use)."""

    def expected(world: World, actor: str):
        if actor == "anonymous":
            return LOGIN
        if actor not in VIEWERS[case]:
            return 404
        inquiry = Inquiry.objects.get(pk=getattr(world, case).pk)
        allowed = case_rules.inquiry_actions(world.users[actor], inquiry)
        return DONE if action in allowed else 403

    return expected


def supervision_action(action: str) -> Callable:
    def expected(world: World, actor: str):
        if actor == "anonymous":
            return LOGIN
        if actor not in CASE_VIEWERS:
            return 404
        inquiry = Inquiry.objects.get(pk=world.case.pk)
        allowed = case_rules.supervision_actions(
            world.users[actor],
            inquiry,
            presses=list(inquiry.press_notices.all()),
            extensions=list(inquiry.extensions.all()),
        )
        return DONE if action in allowed else 403

    return expected


# The assessment: view_all_assessments sees everyone; heads and leaders what they lead; an
# administrator with supervise_inquiry but leading nothing gets an empty page (and 404 for a
# person); anyone else 403.
ASSESSMENT = with_perm("inquiries.supervise_inquiry", discipline=200)
ASSESSMENT_PERSON = {**ASSESSMENT, "administrator": 404}


@dataclass(frozen=True)
class Entry:
    url: Callable[[World], str]
    get: dict | Callable
    post: dict | Callable | None = None  # None: the view takes no POST worth asking
    fresh_clients: bool = False
    post_data: dict | None = None  # what the POST carries besides nothing


def number(attribute="case"):
    return lambda w: getattr(w, attribute).number


def named(name: str, *args: Callable) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def fixed(*values):
    return [lambda w, value=value: value for value in values]


def case_url(name: str, attribute="case", *more: Callable) -> Callable[[World], str]:
    return named(f"inquiries:{name}", number(attribute), *more)


ENTRIES: dict[str, Entry] = {
    # --- The project's own pages ---
    "home": Entry(named("home"), everyone()),
    "healthz": Entry(named("healthz"), public()),
    "login": Entry(named("login"), everyone(302, anonymous=200)),
    # LogoutView answers POST only, signed in or not.
    "logout": Entry(named("logout"), public(405), post=public(302), fresh_clients=True),
    "password_change": Entry(named("password_change"), everyone()),
    "password_change_done": Entry(named("password_change_done"), everyone()),
    # The second sign-in step: nobody here has a device, so it sends them on.
    "two_factor_verify": Entry(named("two_factor_verify"), everyone(302)),
    # Two-factor set-up is offered to the administrator and discipline roles only (404 for
    # the rest: the page does not exist for them).
    "two_factor_setup": Entry(
        named("two_factor_setup"),
        everyone(404, discipline=200, administrator=200),
        post=everyone(404, discipline=DONE, administrator=DONE),
    ),
    # Typing into a form keeps the session from the idle sign-out: POST only, no content.
    "session_keepalive": Entry(named("session_keepalive"), POST_ONLY_GET, post=everyone(204)),
    # Django's language switch: it redirects back and sets a cookie, no data changes.
    "set_language": Entry(named("set_language"), public(302), post=public(302)),
    # --- The organisation ---
    "inquiries:directory": Entry(named("inquiries:directory"), everyone()),
    "inquiries:department_detail": Entry(
        named("inquiries:department_detail", lambda w: w.department_a.code), everyone()
    ),
    "inquiries:organisation_import": Entry(
        named("inquiries:organisation_import"),
        with_perm("inquiries.import_organisation"),
        post=with_perm("inquiries.import_organisation", yes=DONE),
    ),
    # --- Personal data: asking to see it unmasked (the reason is recorded) ---
    "inquiries:privacy_unmask": Entry(
        lambda w: reverse("inquiries:privacy_unmask") + "?scope=my_cases",
        with_perm("inquiries.unmask_personal_data"),
        post=with_perm("inquiries.unmask_personal_data", yes=DONE),
        post_data={"scope": "my_cases"},
    ),
    "inquiries:privacy_unmask_end": Entry(
        named("inquiries:privacy_unmask_end"), POST_ONLY_GET, post=everyone(302)
    ),
    # --- Intake and lists: every member of staff registers cases ---
    "inquiries:intake_visit": Entry(
        named("inquiries:intake_visit"), everyone(), post=everyone(DONE)
    ),
    "inquiries:intake_phone": Entry(named("inquiries:intake_phone"), everyone()),
    "inquiries:intake_letter": Entry(named("inquiries:intake_letter"), everyone()),
    "inquiries:intake_fax": Entry(named("inquiries:intake_fax"), everyone()),
    "inquiries:my_cases": Entry(named("inquiries:my_cases"), everyone()),
    "inquiries:case_search": Entry(named("inquiries:case_search"), everyone()),
    "inquiries:phone_register": Entry(named("inquiries:phone_register"), everyone()),
    "inquiries:visit_register": Entry(named("inquiries:visit_register"), everyone()),
    "inquiries:letter_register": Entry(named("inquiries:letter_register"), everyone()),
    "inquiries:register_export": Entry(
        named("inquiries:register_export", *fixed("phone")),
        with_perm("inquiries.register_inquiry", "inquiries.export_inquiries"),
    ),
    "inquiries:matter_lookup": Entry(named("inquiries:matter_lookup"), everyone()),
    # --- One case ---
    "inquiries:case_detail": Entry(case_url("case_detail"), case_page()),
    "inquiries:case_receipt": Entry(case_url("case_receipt"), case_page()),
    # Without htmx the directions preview sends the reader to the case page's path form.
    "inquiries:case_decide_path": Entry(
        case_url("case_decide_path"), case_page(302), post=case_action(case_rules.DECIDE_PATH)
    ),
    "inquiries:case_record_disclosure": Entry(
        case_url("case_record_disclosure"),
        POST_ONLY_GET,
        post=case_action(case_rules.RECORD_DISCLOSURE),
    ),
    "inquiries:case_issue_notice": Entry(
        case_url("case_issue_notice"), POST_ONLY_GET, post=case_action(case_rules.ISSUE_NOTICE)
    ),
    "inquiries:notice_print": Entry(
        case_url("notice_print", "noticed", lambda w: w.notice.sequence), case_page()
    ),
    "inquiries:case_materials_complete": Entry(
        case_url("case_materials_complete"),
        POST_ONLY_GET,
        post=case_action(case_rules.MATERIALS_COMPLETE),
    ),
    "inquiries:case_start": Entry(
        case_url("case_start"), POST_ONLY_GET, post=case_action(case_rules.START_HANDLING)
    ),
    "inquiries:case_reply": Entry(
        case_url("case_reply"), POST_ONLY_GET, post=case_action(case_rules.REPLY)
    ),
    "inquiries:case_close": Entry(
        case_url("case_close"), POST_ONLY_GET, post=case_action(case_rules.CLOSE)
    ),
    "inquiries:case_send_back": Entry(
        case_url("case_send_back"), POST_ONLY_GET, post=case_action(case_rules.SEND_BACK)
    ),
    "inquiries:case_reopen": Entry(
        case_url("case_reopen"), POST_ONLY_GET, post=case_action(case_rules.REOPEN)
    ),
    "inquiries:case_add_note": Entry(
        case_url("case_add_note"), POST_ONLY_GET, post=case_action(case_rules.ADD_NOTE)
    ),
    "inquiries:case_record_rating": Entry(
        case_url("case_record_rating", "closed"),
        POST_ONLY_GET,
        post=case_action(case_rules.RECORD_RATING, "closed"),
    ),
    "inquiries:case_rectification": Entry(
        case_url("case_rectification", "closed"),
        POST_ONLY_GET,
        post=case_action(case_rules.RECORD_RECTIFICATION, "closed"),
    ),
    "inquiries:case_refer": Entry(
        case_url("case_refer"), POST_ONLY_GET, post=case_action(case_rules.REFER)
    ),
    "inquiries:case_return_referral": Entry(
        case_url("case_return_referral", "referred"),
        POST_ONLY_GET,
        post=case_action(case_rules.RETURN_REFERRAL, "referred"),
    ),
    "inquiries:case_assign_referral": Entry(
        case_url("case_assign_referral", "referred"),
        POST_ONLY_GET,
        post=case_action(case_rules.ASSIGN_REFERRAL, "referred"),
    ),
    "inquiries:case_coordinate": Entry(
        case_url("case_coordinate"), POST_ONLY_GET, post=case_action(case_rules.COORDINATE)
    ),
    "inquiries:case_pick_up": Entry(
        case_url("case_pick_up"), POST_ONLY_GET, post=case_action(case_rules.PICK_UP)
    ),
    # --- The public channel: no login ---
    "inquiries:track": Entry(named("inquiries:track"), public()),
    "inquiries:letter_new": Entry(named("inquiries:letter_new"), public()),
    # Nothing was sent in this session: back to the form.
    "inquiries:letter_sent": Entry(named("inquiries:letter_sent"), public(302)),
    # --- Supervision ---
    "inquiries:supervision": Entry(
        named("inquiries:supervision"), with_perm("inquiries.supervise_inquiry")
    ),
    "inquiries:supervision_export": Entry(
        named("inquiries:supervision_export", *fixed("overdue")),
        with_perm("inquiries.supervise_inquiry", "inquiries.export_inquiries"),
    ),
    "inquiries:case_press": Entry(
        case_url("case_press"), POST_ONLY_GET, post=supervision_action(case_rules.PRESS)
    ),
    "inquiries:press_answer": Entry(
        case_url("press_answer", "case", lambda w: w.press.pk),
        POST_ONLY_GET,
        post=supervision_action(case_rules.ANSWER_PRESS),
    ),
    "inquiries:extension_request": Entry(
        case_url("extension_request"),
        POST_ONLY_GET,
        post=supervision_action(case_rules.REQUEST_EXTENSION),
    ),
    "inquiries:extension_decide": Entry(
        case_url("extension_decide", "case", lambda w: w.extension.pk),
        POST_ONLY_GET,
        post=supervision_action(case_rules.DECIDE_EXTENSION),
    ),
    "inquiries:extension_told": Entry(
        case_url("extension_told", "case", lambda w: w.extension.pk),
        POST_ONLY_GET,
        post=supervision_action(case_rules.RECORD_EXTENSION_TOLD),
    ),
    "inquiries:statistics": Entry(
        named("inquiries:statistics"), with_perm("inquiries.supervise_inquiry")
    ),
    "inquiries:statistics_cases": Entry(
        named("inquiries:statistics_cases"), with_perm("inquiries.supervise_inquiry")
    ),
    "inquiries:statistics_export": Entry(
        named("inquiries:statistics_export"),
        with_perm("inquiries.supervise_inquiry", "inquiries.export_inquiries"),
    ),
    # --- Referral inbox and notifications ---
    "inquiries:referral_inbox": Entry(named("inquiries:referral_inbox"), everyone()),
    # The referral is in its person's inbox ("mine") and its sender's ("sent"); the sender's
    # accept or return is refused by the service with a message (302). Nobody else finds it.
    "inquiries:referral_accept": Entry(
        named("inquiries:referral_accept", lambda w: w.referral.pk),
        POST_ONLY_GET,
        post=case_page(302) | {a: 404 for a in STAFF if a not in {"handler", "front_desk"}},
    ),
    "inquiries:referral_return": Entry(
        named("inquiries:referral_return", lambda w: w.referral.pk),
        POST_ONLY_GET,
        post=case_page(302) | {a: 404 for a in STAFF if a not in {"handler", "front_desk"}},
    ),
    "inquiries:notifications": Entry(named("inquiries:notifications"), everyone()),
    "inquiries:notifications_read": Entry(
        named("inquiries:notifications_read"), POST_ONLY_GET, post=everyone(302)
    ),
    # --- Accountability ---
    "penalties:my_record": Entry(named("penalties:my_record"), everyone()),
    "penalties:assessment": Entry(named("penalties:assessment"), ASSESSMENT),
    "penalties:assessment_export": Entry(named("penalties:assessment_export"), ASSESSMENT),
    "penalties:assessment_person": Entry(
        named("penalties:assessment_person", lambda w: w.users["handler"].pk), ASSESSMENT_PERSON
    ),
    "penalties:commendation_list": Entry(named("penalties:commendation_list"), everyone()),
    "penalties:commendation_new": Entry(
        named("penalties:commendation_new"),
        with_perm("penalties.add_commendation"),
        post=with_perm("penalties.add_commendation", yes=DONE),
    ),
    # permission_required comes before require_POST: a GET without the permission is a 403.
    "penalties:commendation_withdraw": Entry(
        named("penalties:commendation_withdraw", lambda w: w.commendation.pk),
        with_perm("penalties.add_commendation", yes=405),
        post=with_perm("penalties.add_commendation", yes=DONE),
    ),
    "penalties:rating_followup": Entry(
        named("penalties:rating_followup"), with_perm("penalties.add_commendation")
    ),
    "penalties:rating_commend": Entry(
        named("penalties:rating_commend", lambda w: w.rating.pk),
        with_perm("penalties.add_commendation", yes=405),
        post=with_perm("penalties.add_commendation", yes=DONE),
    ),
    "penalties:rating_propose": Entry(
        named("penalties:rating_propose", lambda w: w.rating.pk),
        POST_ONLY_GET,
        post=with_perm("penalties.add_commendation", "penalties.report_violation", yes=DONE),
    ),
    "penalties:violation_list": Entry(
        named("penalties:violation_list"), with_perm("penalties.handle_violation")
    ),
    "penalties:violation_new": Entry(
        named("penalties:violation_new"),
        with_perm("penalties.report_violation"),
        post=with_perm("penalties.report_violation", yes=DONE),
    ),
    "penalties:my_violations": Entry(named("penalties:my_violations"), everyone()),
    # The violation is about A's front desk clerk and not yet told: only the discipline role
    # (which reported it) sees it; the clerk, A's head and leader, everyone else: 404.
    "penalties:violation_detail": Entry(
        named("penalties:violation_detail", lambda w: w.violation.pk),
        with_perm("penalties.handle_violation", no=404),
    ),
    "penalties:evidence_download": Entry(
        named("penalties:evidence_download", lambda w: w.violation.pk, lambda w: w.evidence.pk),
        with_perm("penalties.handle_violation", no=404),
    ),
    "penalties:violation_action": Entry(
        named("penalties:violation_action", lambda w: w.violation.pk, *fixed("investigate")),
        POST_ONLY_GET,
        post=with_perm("penalties.handle_violation", yes=DONE, no=404),
    ),
    # A's handler sees the verified violation behind their sanction but may not act on it.
    "penalties:sanction_action": Entry(
        named(
            "penalties:sanction_action",
            lambda w: w.sanctioned.pk,
            lambda w: w.sanction.pk,
            *fixed("revoke"),
        ),
        POST_ONLY_GET,
        post=with_perm("penalties.handle_violation", yes=DONE, no=404),
    ),
    # --- The admin: the index, and each model's list (see admin_entries) ---
    "admin:index": Entry(
        named("admin:index"),
        {**dict.fromkeys(ACTORS, ADMIN_LOGIN), "administrator": 200},
    ),
}


# The case policy is one row: its list opens that row's change page.
ADMIN_LIST_REDIRECTS = frozenset({"inquiries.casepolicy"})


def admin_changelist_expected(model_admin) -> Callable:
    """Only is_staff users reach the admin (others go to its login page); there, the
    ModelAdmin's own rule (has_view_or_change_permission) decides between the list and 403."""

    def expected(world: World, actor: str):
        user = world.users[actor]
        if user is None or not user.is_staff:
            return ADMIN_LOGIN

        class Request:
            pass

        request = Request()
        request.user = user
        if not model_admin.has_view_or_change_permission(request):
            return 403
        return 302 if model_admin.opts.label_lower in ADMIN_LIST_REDIRECTS else 200

    return expected


for _model, _model_admin in admin.site._registry.items():
    _name = f"admin:{_model._meta.app_label}_{_model._meta.model_name}_changelist"
    ENTRIES[_name] = Entry(named(_name), admin_changelist_expected(_model_admin))


# --- Patterns deliberately not in the table ---------------------------------------------------


def excluded(name: str | None, route: str) -> str | None:
    """Why a pattern has no entry, or None when it must have one."""
    if route.startswith("__errors__"):
        # Only mounted with DEBUG on (the 404/500 page preview); never in production.
        return "debug only"
    admin_internal = route.startswith("admin/") and name != "admin:index"
    if admin_internal and not (name or "").endswith("_changelist"):
        # The admin's add/change/delete/history pages, its login, password and catch-all
        # routes all go through admin_view (is_staff) and the same ModelAdmin permission
        # methods as the changelists in the table; tests/test_admin.py covers them per model.
        return "admin internals, covered by the admin entries"
    return None


def url_patterns():
    """(name, route) for every URL pattern of the project, names with their namespace."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (
                    f"{namespace}:{pattern.name}" if namespace else pattern.name
                )
                yield name, prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns))


def test_every_url_pattern_has_an_entry():
    missing = [
        f"{name or '(unnamed)'} at /{route}"
        for name, route in url_patterns()
        if excluded(name, route) is None and name not in ENTRIES
    ]
    assert not missing, "URL patterns without an access-matrix entry: " + ", ".join(missing)


def test_every_entry_names_a_url_pattern_that_exists():
    names = {name for name, _route in url_patterns()}
    assert set(ENTRIES) - names == set()


# --- Running the matrix -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test's own transaction (the db fixture) undoes what its POSTs did."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


def answer(client: Client, method: str, url: str, *, data=None):
    with transaction.atomic():
        response = getattr(client, method)(url, data=data)
        transaction.set_rollback(True)
    return response


def matches(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(
            resolve_url(settings.LOGIN_URL)
        )
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    if isinstance(expected, tuple):
        return response.status_code in expected
    return response.status_code == expected


def client_for(world: World, actor: str) -> Client:
    client = Client()
    user = world.users[actor]
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="module")
def signed_in(world):
    """One signed-in client per actor for the module (their sessions live in its
    transaction); the logout entry gets fresh ones, since logging out ends the session."""
    return {actor: client_for(world, actor) for actor in ACTORS}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_each_actor_gets_the_answer_the_rules_give(world, signed_in, db, name):
    entry = ENTRIES[name]
    url = entry.url(world)
    clients = signed_in
    if entry.fresh_clients:
        clients = {actor: client_for(world, actor) for actor in ACTORS}
    wrong = []
    for method, table in (("get", entry.get), ("post", entry.post)):
        if table is None:
            continue
        for actor in ACTORS:
            expected = table(world, actor) if callable(table) else table[actor]
            data = entry.post_data if method == "post" else None
            response = answer(clients[actor], method, url, data=data)
            if not matches(response, expected):
                where = f" → {response.get('Location')}" if response.status_code == 302 else ""
                wrong.append(
                    f"{method.upper()} {url} as {actor}: expected {expected}, "
                    f"got {response.status_code}{where}"
                )
    assert not wrong, "\n".join(wrong)


def test_the_case_viewers_are_those_the_visibility_rule_names(world, db):
    for attribute in ("case", "noticed", "closed", "referred"):
        inquiry = getattr(world, attribute)
        for actor in STAFF:
            q = case_rules.inquiry_visibility_q(world.users[actor])
            visible = q is None or Inquiry.objects.filter(q, pk=inquiry.pk).exists()
            assert visible == (actor in VIEWERS[attribute]), (attribute, actor)
