"""Load the demo bureau from inquiries/demo.py: departments, staff, roles, logins, the service
catalog, and about 200 cases from inquiries/demo_cases.py.

Safe to run again: departments are matched by code, people by username, catalog matters by
code and their materials by name; an object is saved only when a demo value differs (so no
empty history rows), roles are only ever added, and a password is set only when the account
is created, never reset. The cases are made once: a run that finds them makes none.

The cases are made through the services, so they bring their referrals and notifications. No
email goes out while seeding, whatever the email backend: the demo's notifications are marked
as emailed when they were made, so the emails queued for after the commit find nothing to send
(see `inquiries.demo_cases`).
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from inquiries import demo
from inquiries.demo_cases import demo_case_count, demo_cases_seed
from inquiries.models import Department, RequiredMaterial, ServiceMatter, StaffProfile, User
from inquiries.roles import ROLES_BY_CODE, roles_sync

# Stored on each history row the command writes, so the admin history says where it came from.
CHANGE_REASON = demo.SEED_CHANGE_REASON


@dataclass
class SeedResult:
    created: int = 0
    updated: int = 0
    memberships_added: int = 0


def _record_apply(model, *, lookup: dict, values: dict, result: SeedResult, on_create=None):
    """Find the object by `lookup`, give it `values`, and save it only if something changed.

    `full_clean()` runs before the comparison, so values the model normalises (names, codes)
    compare in their stored form and do not count as a change on the next run.
    """
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
        if on_create is not None:
            on_create(obj)
    attnames = [model._meta.get_field(name).attname for name in values]
    before = [getattr(obj, attname) for attname in attnames]
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    after = [getattr(obj, attname) for attname in attnames]
    if created or before != after:
        obj._change_reason = CHANGE_REASON
        obj.save()
        if created:
            result.created += 1
        else:
            result.updated += 1
    return obj


def _set_demo_password(user: User) -> None:
    user.set_password(demo.DEMO_PASSWORD)


@transaction.atomic
def demo_organisation_seed(*, today: datetime.date) -> SeedResult:
    """Create or update the demo organisation; return what was written."""
    result = SeedResult()
    groups = roles_sync()

    # People first: departments point at their heads, leaders and contact persons.
    users: dict[str, User] = {}
    for staff in demo.STAFF:
        users[staff.username] = _record_apply(
            User,
            lookup={"username": staff.username},
            values={
                "full_name": staff.full_name,
                "email": f"{staff.username}@{demo.DEMO_EMAIL_DOMAIN}",
                "is_active": True,
                "is_staff": staff.is_staff,
            },
            result=result,
            on_create=_set_demo_password,
        )

    def user_or_none(username: str | None) -> User | None:
        return users[username] if username else None

    departments: dict[str, Department] = {}
    for index, item in enumerate(demo.DEPARTMENTS, start=1):
        departments[item.code] = _record_apply(
            Department,
            lookup={"code": item.code},
            values={
                "parent": departments[item.parent] if item.parent else None,
                "level": item.level,
                "name": item.name,
                "duties": item.duties,
                "keywords": item.keywords,
                "location": item.location,
                "phone": item.phone,
                "head": user_or_none(item.head),
                "supervising_leader": user_or_none(item.supervising_leader),
                "contact_person": user_or_none(item.contact_person),
                "is_office": item.is_office,
                "is_active": True,
                "sort_order": index * 10,
            },
            result=result,
        )

    for staff in demo.STAFF:
        user = users[staff.username]
        _record_apply(
            StaffProfile,
            lookup={"user": user},
            values={
                "department": departments[staff.department],
                "title": staff.title,
                "duty": staff.duty,
                "office_phone": staff.office_phone,
                "rank": staff.rank,
                "employment_type": staff.employment_type,
                "availability": staff.availability,
                "away_from": _day(today, staff.away_from_days),
                "away_until": _day(today, staff.away_until_days),
                "delegate": user_or_none(staff.delegate),
            },
            result=result,
        )
        # Only add: a role someone was given since the last run stays.
        held = set(user.groups.values_list("pk", flat=True))
        missing = [groups[code] for code in staff.roles if groups[code].pk not in held]
        if missing:
            user.groups.add(*missing)
            result.memberships_added += len(missing)

    for index, item in enumerate(demo.MATTERS, start=1):
        matter = _record_apply(
            ServiceMatter,
            lookup={"code": item.code},
            values={
                "department": departments[item.department],
                "name": item.name,
                "keywords": item.keywords,
                "legal_basis": item.legal_basis,
                "conditions": item.conditions,
                "procedure": item.procedure,
                "promised_days": item.promised_days,
                "legal_days": item.legal_days,
                "is_active": True,
                "sort_order": index * 10,
            },
            result=result,
        )
        for position, material in enumerate(item.materials, start=1):
            _record_apply(
                RequiredMaterial,
                lookup={"matter": matter, "name": material.name},
                values={
                    "specification": material.specification,
                    "is_required": material.is_required,
                    "sort_order": position * 10,
                },
                result=result,
            )
    return result


def _day(today: datetime.date, offset: int | None) -> datetime.date | None:
    return None if offset is None else today + datetime.timedelta(days=offset)


def _width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Plain aligned columns with a rule under the header, for a terminal."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells))

    return [
        line(header).rstrip(),
        "  ".join("-" * width for width in widths),
        *(line(row).rstrip() for row in rows),
    ]


class Command(BaseCommand):
    # argparse needs plain strings, so the texts are translated when the parser is built.
    @property
    def help(self):
        return gettext(
            "Create or update a demo market-supervision bureau: departments, staff, roles, "
            "logins, the service catalog and about 200 cases. It can be run again: nothing is "
            "duplicated and changed passwords are kept."
        )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help=gettext("Print nothing."))
        parser.add_argument(
            "--without-cases",
            action="store_true",
            help=gettext("Load the organisation and the service catalog, but no demo cases."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext(
                "Run even though DEBUG is off, for a demonstration server. "
                "Never use it on an office's live database."
            ),
        )

    def handle(self, *args, quiet=False, force=False, without_cases=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            # The demo accounts share a published password and one of them administers
            # the system, so a production database must not get them by accident.
            raise CommandError(
                gettext(
                    "seed_demo creates accounts with a shared, published password. "
                    "It runs only with DEBUG on, or with --force on a demonstration server."
                )
            )
        result = demo_organisation_seed(today=timezone.localdate())
        cases_created = 0 if without_cases else demo_cases_seed()
        if quiet or verbosity == 0:
            # The accountability demo, called by name: inquiries does not import penalties.
            call_command("seed_penalties_demo", force=True, quiet=True)
            return
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Demo organisation ready. Units, departments and sections: %(departments)s; "
                    "staff: %(staff)s; records created: %(created)s, updated: %(updated)s."
                )
                % {
                    "departments": len(demo.DEPARTMENTS),
                    "staff": len(demo.STAFF),
                    "created": result.created,
                    "updated": result.updated,
                }
            )
        )
        self.stdout.write(
            gettext(
                "Demo cases: %(created)s made now, %(total)s in all; "
                "service catalog: %(matters)s matters."
            )
            % {
                "created": cases_created,
                "total": demo_case_count(),
                "matters": len(demo.MATTERS),
            }
        )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(gettext("Demo logins")))
        for line in self._login_table():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            gettext("Open %(url)s and sign in with one of these accounts.")
            % {"url": demo.DEMO_SITE_URL}
        )
        self.stdout.write("")
        call_command("seed_penalties_demo", force=True, stdout=self.stdout)

    def _login_table(self) -> list[str]:
        departments = {item.code: item.name for item in demo.DEPARTMENTS}
        # The administrator's line comes first whatever the order of the data.
        staff = sorted(demo.STAFF, key=lambda item: item.username != demo.ADMIN_USERNAME)
        header = [
            gettext("Username"),
            gettext("Name"),
            gettext("Department"),
            gettext("Roles"),
            gettext("Password"),
        ]
        rows = []
        for item in staff:
            roles = gettext(", ").join(str(ROLES_BY_CODE[code].label) for code in item.roles)
            rows.append(
                [
                    item.username,
                    item.full_name,
                    departments[item.department],
                    roles,
                    demo.DEMO_PASSWORD,
                ]
            )
        return _table(header, rows)
