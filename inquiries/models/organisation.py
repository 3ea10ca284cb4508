"""Organisation: the people and departments that cases are routed between."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inquiries.text import normalize_text, pinyin_keys


class User(AbstractUser):
    """A person who signs in. Chinese names are one string, so there is one name field."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    # Role changes (group membership) are audited too.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.get_full_name()

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            # Signing in changes nothing about the person; keep it out of the audit trail.
            self.skip_history_when_saving = True
            try:
                super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
            return
        super().save(*args, **kwargs)


class Department(models.Model):
    """A node of the organisation: the unit, its departments (处室) and their sections (股)."""

    class Level(models.TextChoices):
        UNIT = "unit", _("Unit")
        DEPARTMENT = "department", _("Department")
        SECTION = "section", _("Section")

    # Which level may sit under which: a unit at the top, sections under departments.
    ALLOWED_PARENT_LEVEL = {
        Level.UNIT: None,
        Level.DEPARTMENT: Level.UNIT,
        Level.SECTION: Level.DEPARTMENT,
    }

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.DEPARTMENT
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("A short unique code, used by imports and reports, e.g. BGS."),
    )
    duties = models.TextField(
        _("duties"), blank=True, help_text=_("The department's responsibilities (职责).")
    )
    keywords = models.CharField(
        _("routing keywords"),
        max_length=500,
        blank=True,
        help_text=_("Words that point a matter to this department, separated by spaces."),
    )
    location = models.CharField(_("office location"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_person = models.ForeignKey(
        "User",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_for_departments",
    )
    head = models.ForeignKey(
        "User",
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    supervising_leader = models.ForeignKey(
        "User",
        verbose_name=_("supervising leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_departments",
    )
    is_office = models.BooleanField(
        _("is the office"),
        default=False,
        help_text=_("The office (办公室) coordinates unclear and cross-department matters."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=400, editable=False)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=100, editable=False, db_index=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]
        permissions = [
            ("import_organisation", _("Can import departments and staff from a file")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="unit", parent__isnull=True)
                | (~Q(level="unit") & Q(parent__isnull=False)),
                name="department_unit_is_root",
                violation_error_message=_(
                    "A unit has no parent; every department and section has one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="department_not_own_parent",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(is_office=True),
                name="department_one_office_per_unit",
                violation_error_message=_("This unit already has an office."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="department_name_unique_in_parent",
                violation_error_message=_("A department with this name already exists here."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = normalize_text(self.name)
        self.code = normalize_text(self.code).upper()
        expected = self.ALLOWED_PARENT_LEVEL.get(self.level)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("A unit cannot have a parent.")})
        if expected is not None:
            if self.parent is None:
                raise ValidationError({"parent": _("Choose the unit or department above it.")})
            if self.parent.level != expected:
                raise ValidationError(
                    {
                        "parent": _("A %(level)s must sit under a %(parent_level)s.")
                        % {
                            "level": self.get_level_display(),
                            "parent_level": self.Level(expected).label,
                        }
                    }
                )
        if self.is_office and self.level != self.Level.DEPARTMENT:
            raise ValidationError({"is_office": _("Only a department can be the office.")})

    @property
    def keyword_list(self) -> list[str]:
        return normalize_text(self.keywords).replace(",", " ").replace("，", " ").split()


class StaffProfile(models.Model):
    """What the first responder tells a requester: name, duty and phone, and where they sit."""

    class EmploymentType(models.TextChoices):
        ESTABLISHED = "established", _("Established post")
        CONTRACT = "contract", _("Contract")
        PROBATIONARY = "probationary", _("Probationary")
        SECONDED = "seconded", _("Seconded")
        TEMPORARY = "temporary", _("Temporary")

    class Rank(models.IntegerChoices):
        CLERK = 10, _("Clerk")
        STAFF_MEMBER = 20, _("Staff member")
        DEPUTY_SECTION_CHIEF = 30, _("Deputy section chief level")
        SECTION_CHIEF = 40, _("Section chief level")
        DEPUTY_DIVISION_CHIEF = 50, _("Deputy division chief level")
        DIVISION_CHIEF = 60, _("Division chief level")
        DEPUTY_BUREAU_CHIEF = 70, _("Deputy bureau chief level")
        BUREAU_CHIEF = 80, _("Bureau chief level")

    class Availability(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        BUSINESS_TRIP = "business_trip", _("On a business trip")

    user = models.OneToOneField(
        "User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff"
    )
    title = models.CharField(_("title"), max_length=50, help_text=_("The post (职务)."))
    duty = models.TextField(_("duty"), blank=True, help_text=_("What this person handles."))
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"),
        choices=Rank.choices,
        default=Rank.STAFF_MEMBER,
        help_text=_("When two staff are asked together, the higher rank is the first responder."),
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=20,
        choices=EmploymentType.choices,
        default=EmploymentType.ESTABLISHED,
        help_text=_("Probationary staff are first responders too."),
    )
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.PRESENT
    )
    away_from = models.DateField(_("away from"), null=True, blank=True)
    away_until = models.DateField(_("away until"), null=True, blank=True)
    delegate = models.ForeignKey(
        "User",
        verbose_name=_("delegate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegated_profiles",
        help_text=_("Who takes this person's referrals while they are away."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["department__sort_order", "-rank", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(away_from__isnull=True)
                | Q(away_until__isnull=True)
                | Q(away_until__gte=F("away_from")),
                name="staffprofile_away_dates_in_order",
                violation_error_message=_("The return date cannot be before the first day away."),
            ),
            models.CheckConstraint(
                condition=~Q(delegate=F("user")),
                name="staffprofile_not_own_delegate",
                violation_error_message=_("A person cannot be their own delegate."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.title}"

    def is_away_on(self, day: datetime.date | None = None) -> bool:
        """Whether this person is away on `day` (today by default)."""
        return profile_is_away(
            availability=self.availability,
            away_from=self.away_from,
            away_until=self.away_until,
            day=day or timezone.localdate(),
        )


def profile_is_away(
    *,
    availability: str,
    away_from: datetime.date | None,
    away_until: datetime.date | None,
    day: datetime.date,
) -> bool:
    """Away means marked absent or travelling, and `day` inside the dates given (open ends)."""
    if availability == StaffProfile.Availability.PRESENT:
        return False
    if away_from and day < away_from:
        return False
    return not (away_until and day > away_until)
