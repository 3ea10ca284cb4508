"""Admin screens: the organisation, the service catalog, the case rules, and cases read-only.

Every screen keeps django-simple-history's change history one click away ("History"). Cases,
their referrals and notifications change only through `inquiries.services`, so their screens
show them and change nothing.
"""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from inquiries.exports import access_records_response
from inquiries.models import (
    AccessRecord,
    CalendarOverride,
    CaseFlag,
    CasePolicy,
    Department,
    Inquiry,
    Notice,
    Notification,
    Referral,
    RequiredMaterial,
    RetentionRule,
    ServiceMatter,
    StaffProfile,
    TabooPhrase,
    TimelineEvent,
    User,
)
from inquiries.models.cases import CLOCK_RUNNING
from inquiries.roles import ROLES
from inquiries.workdays import deadline_state, library_known_years, work_calendar

# Levels that can have something under them; sections are leaves.
PARENT_LEVELS = (Department.Level.UNIT, Department.Level.DEPARTMENT)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" page saves only for those who may change.

    simple-history 3.13 saves a POST to a past version's page for anyone who may *view* the
    object; a view-only user must not be able to write through it.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history 3.13 calls select_related() with no names for a model without
        # tracked foreign keys, which Django 6.1 deprecates; name them, and the user.
        foreign_keys = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, models.ForeignKey)
        ]
        return history_manager.filter(**{pk_name: object_id}).select_related(
            "history_user", *foreign_keys
        )


class ParentListFilter(admin.RelatedFieldListFilter):
    """Filter by parent, offering only units and departments: sections have no children."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False,
            ordering=ordering,
            limit_choices_to={"level__in": PARENT_LEVELS},
        )


class RoleListFilter(admin.RelatedFieldListFilter):
    """The groups filter, titled the way the office thinks of groups: as roles."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("roles")


class ChildDepartmentInline(admin.TabularInline):
    """A read-only summary of what sits directly under a department; edit each on its own page."""

    model = Department
    fk_name = "parent"
    fields = ("name", "code", "level", "head", "phone", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("department or section below")
    verbose_name_plural = _("departments and sections below")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("head")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = (
        "name",
        "code",
        "level",
        "parent",
        "head",
        "supervising_leader",
        "phone",
        "is_office",
        "is_active",
    )
    list_display_links = ("name", "code")
    list_filter = ("level", "is_office", "is_active", ("parent", ParentListFilter))
    # The pinyin keys let "bgs" or "bangong" find 办公室, as in the directory.
    search_fields = ("name", "code", "keywords", "duties", "name_pinyin", "name_initials")
    list_select_related = ("parent", "head", "supervising_leader")
    autocomplete_fields = ("parent", "head", "supervising_leader", "contact_person")
    readonly_fields = ("name_pinyin", "name_initials")
    fieldsets = (
        (
            _("Basic information"),
            {"fields": ("name", "code", "level", "parent", "is_office", "is_active", "sort_order")},
        ),
        (_("Contact"), {"fields": ("location", "phone", "contact_person")}),
        (_("Leadership"), {"fields": ("head", "supervising_leader")}),
        (
            _("Duties and routing"),
            {
                "fields": ("duties", "keywords", "name_pinyin", "name_initials"),
                "description": _(
                    "Routing keywords and the duties text point a new matter to this "
                    "department. The pinyin keys are filled in from the name."
                ),
            },
        ),
    )

    def get_inlines(self, request, obj):
        # A department being added has nothing under it yet.
        return [ChildDepartmentInline] if obj is not None else []

    def view_on_site(self, obj):
        return reverse("inquiries:department_detail", args=[obj.code])


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = self.fields.get("groups")
        if groups is not None:
            groups.label = _("roles")
            groups.help_text = _(
                "The roles this person holds; a person can hold several. "
                "Each role brings its permissions."
            )


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    # StaffProfile points at User twice (the person and their delegate).
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ("department", "delegate")
    fields = (
        "department",
        "title",
        "duty",
        "office_phone",
        "rank",
        "employment_type",
        "availability",
        "away_from",
        "away_until",
        "delegate",
    )


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "full_name", "department", "roles", "is_active", "is_staff")
    list_filter = (
        ("groups", RoleListFilter),
        "is_active",
        "is_staff",
        "profile__department",
    )
    search_fields = ("username", "full_name", "email")
    list_select_related = ("profile__department",)
    ordering = ("username",)
    filter_horizontal = ("groups", "user_permissions")
    inlines = (StaffProfileInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_inlines(self, request, obj):
        # Django's two-step add: username and password first, the profile on the next page.
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser may make a superuser or hand out permissions one by one;
            # administrators grant access through roles.
            readonly += ("is_superuser", "user_permissions")
        return readonly

    def has_change_permission(self, request, obj=None):
        # An administrator who is not a superuser must not take over a superuser's account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("department"), ordering="profile__department__sort_order")
    def department(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.department if profile else None

    @admin.display(description=_("roles"))
    def roles(self, obj):
        labels = {role.group_name: role.label for role in ROLES}
        return gettext(", ").join(
            str(labels.get(group.name, group.name)) for group in obj.groups.all()
        )


@admin.register(StaffProfile)
class StaffProfileAdmin(HistoryAdmin):
    list_display = (
        "user",
        "department",
        "title",
        "rank",
        "employment_type",
        "availability",
        "away_from",
        "away_until",
        "delegate",
        "office_phone",
    )
    list_filter = ("department", "availability", "employment_type", "rank")
    search_fields = ("user__username", "user__full_name", "title", "duty", "office_phone")
    list_select_related = ("user", "department", "delegate")
    autocomplete_fields = ("user", "department", "delegate")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "user",
                    "department",
                    "title",
                    "duty",
                    "office_phone",
                    "rank",
                    "employment_type",
                )
            },
        ),
        (
            _("Availability and delegate"),
            {"fields": ("availability", "away_from", "away_until", "delegate")},
        ),
    )


# --- The service catalog and the rules for cases --------------------------------------------


class RequiredMaterialInline(admin.TabularInline):
    """The materials a matter needs, in the order the one-time notice lists them."""

    model = RequiredMaterial
    fields = ("sort_order", "name", "specification", "is_required")
    ordering = ("sort_order", "pk")
    extra = 1


@admin.register(ServiceMatter)
class ServiceMatterAdmin(HistoryAdmin):
    list_display = ("code", "name", "department", "promised_days", "legal_days", "is_active")
    list_display_links = ("code", "name")
    list_filter = ("department", "is_active")
    # As for departments: "spjy" or "shipin" finds 食品经营许可证核发.
    search_fields = ("name", "code", "keywords", "name_pinyin", "name_initials")
    list_select_related = ("department",)
    autocomplete_fields = ("department",)
    readonly_fields = ("name_pinyin", "name_initials")
    inlines = (RequiredMaterialInline,)
    fieldsets = (
        (
            None,
            {"fields": ("code", "name", "department", "keywords", "is_active", "sort_order")},
        ),
        (
            _("Time limits"),
            {
                "fields": ("promised_days", "legal_days"),
                "description": _(
                    "Working days. A case for this matter gets the promised time limit, "
                    "which must be shorter than the legal one."
                ),
            },
        ),
        (
            _("What the one-time notice tells the requester"),
            {"fields": ("legal_basis", "conditions", "procedure")},
        ),
        (_("Pinyin search keys"), {"fields": ("name_pinyin", "name_initials")}),
    )


@admin.register(CasePolicy)
class CasePolicyAdmin(HistoryAdmin):
    """One row of rules: the list goes straight to it; it can be neither added twice nor deleted."""

    fieldsets = (
        (
            _("Time limits by kind (working days)"),
            {
                "fields": (
                    "consultation_days",
                    "service_days",
                    "complaint_days",
                    "tip_off_days",
                    "report_days",
                    "suggestion_days",
                    "help_days",
                ),
                "description": _(
                    "A service matter from the catalog brings its own promised time limit."
                ),
            },
        ),
        (
            _("One-time notice and materials"),
            {"fields": ("notice_limit_days", "clock_on_materials")},
        ),
    )

    def has_add_permission(self, request):
        # Only when the row is missing; whoever may change the rules may then create them.
        if CasePolicy.objects.filter(pk=CasePolicy.SINGLETON_PK).exists():
            return False
        return super().has_add_permission(request) or self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if CasePolicy.objects.filter(pk=CasePolicy.SINGLETON_PK).exists():
            return HttpResponseRedirect(
                reverse("admin:inquiries_casepolicy_change", args=[CasePolicy.SINGLETON_PK])
            )
        if self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:inquiries_casepolicy_add"))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        obj.pk = CasePolicy.SINGLETON_PK
        super().save_model(request, obj, form, change)


class CalendarYearListFilter(admin.SimpleListFilter):
    """The years with overrides, and whether the holidays library knows each."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        today = timezone.localdate()
        years = {date.year for date in CalendarOverride.objects.dates("date", "year")}
        years |= {today.year, today.year + 1}
        known = library_known_years()
        choices = []
        for year in sorted(years, reverse=True):
            if year in known:
                label = gettext("%(year)s (official schedule known)") % {"year": year}
            else:
                label = gettext("%(year)s (official schedule not known)") % {"year": year}
            choices.append((str(year), label))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(HistoryAdmin):
    list_display = ("date", "weekday", "is_working_day", "name")
    list_filter = (CalendarYearListFilter, "is_working_day")
    search_fields = ("name",)
    date_hierarchy = "date"
    fields = ("date", "is_working_day", "name")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        # A 调休 working day is usually a Saturday or Sunday; the weekday makes it visible.
        return dateformat.format(obj.date, "l")


@admin.register(TabooPhrase)
class TabooPhraseAdmin(HistoryAdmin):
    list_display = ("phrase", "is_active", "note")
    list_filter = ("is_active",)
    search_fields = ("phrase", "note")
    fields = ("phrase", "is_active", "note")


# --- Cases: read only ----------------------------------------------------------------------

# Seeing every case in the admin comes with the role that may see every case.
VIEW_ALL_CASES = "inquiries.view_all_inquiries"


def _can_view_cases(request) -> bool:
    user = request.user
    return user.has_perm("inquiries.view_inquiry") or user.has_perm(VIEW_ALL_CASES)


def mask_middle(value: str, *, keep_start: int, keep_end: int) -> str:
    """Personal data in the admin shows its ends only, e.g. 138****5678."""
    if not value:
        return "—"
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    return value[:keep_start] + "****" + value[len(value) - keep_end :]


class ReadOnlyCaseInline(admin.TabularInline):
    """A part of a case shown inside it: visible to whoever may see the case, never edited."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return _can_view_cases(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineEventInline(ReadOnlyCaseInline):
    model = TimelineEvent
    fields = ("at", "actor", "kind", "from_status", "to_status", "message", "is_public")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class NoticeInline(ReadOnlyCaseInline):
    model = Notice
    fields = ("sequence", "issued_at", "issued_by", "missing", "note", "is_second_notice")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by").prefetch_related("items")

    @admin.display(description=_("missing materials"))
    def missing(self, obj):
        return "、".join(item.name for item in obj.items.all())


class CaseFlagInline(ReadOnlyCaseInline):
    model = CaseFlag
    fields = ("raised_at", "kind", "detail", "raised_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("raised_by")


class ReferralInline(ReadOnlyCaseInline):
    """Every hand-over of the case: to whom, in what state, who accepted or returned it."""

    model = Referral
    fields = (
        "created_at",
        "target",
        "from_user",
        "to_user",
        "to_department",
        "intended_user",
        "waiting_for_absent",
        "is_lead",
        "state",
        "accept_due",
        "decided_at",
        "decided_by",
        "reason",
        "return_reason",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("from_user", "to_user", "to_department", "intended_user", "decided_by")
        )


class OverdueListFilter(admin.SimpleListFilter):
    """Overdue is derived: open, the clock running and the deadline passed."""

    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")), ("no", _("Not overdue")))

    def queryset(self, request, queryset):
        overdue = {"status__in": CLOCK_RUNNING, "deadline__lt": timezone.localdate()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


@admin.register(Inquiry)
class InquiryAdmin(HistoryAdmin):
    """Cases for looking up and auditing; every change goes through the case pages."""

    list_display = (
        "number",
        "received_at",
        "channel",
        "kind",
        "status",
        "first_responder",
        "handling_department",
        "deadline",
    )
    list_filter = ("status", OverdueListFilter, "channel", "kind", "handling_department")
    search_fields = ("number", "requester_name", "subject")
    list_select_related = ("first_responder", "handling_department")
    date_hierarchy = "received_at"
    inlines = (ReferralInline, NoticeInline, CaseFlagInline, TimelineEventInline)
    readonly_fields = (
        "masked_phone",
        "masked_address",
        "masked_id_number",
        "deadline_status",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "channel",
                    "kind",
                    "received_at",
                    "letter_date",
                    "subject",
                    "content",
                    "matter",
                )
            },
        ),
        (
            _("Requester"),
            {
                "fields": (
                    "requester_name",
                    "requester_unit",
                    "masked_phone",
                    "masked_address",
                    "masked_id_number",
                ),
                "description": _(
                    "Contact details are shown in part here; the case page shows them to "
                    "those who handle the case."
                ),
            },
        ),
        (
            _("Responsibility"),
            {
                "fields": (
                    "first_responder",
                    "receiving_department",
                    "disclosure_given",
                    "path",
                    "path_told",
                    "path_department",
                    "handling_department",
                    "current_holder",
                )
            },
        ),
        (
            _("Time limit"),
            {
                "fields": (
                    "time_limit_days",
                    "deadline",
                    "deadline_status",
                    "clock_stopped_on",
                    "days_left_when_stopped",
                    "notice_due",
                )
            },
        ),
        (
            _("Result and feedback"),
            {
                "fields": (
                    "result",
                    "closed_at",
                    "feedback_method",
                    "feedback_at",
                    "feedback_note",
                    "unreachable_reason",
                )
            },
        ),
    )

    def has_view_permission(self, request, obj=None):
        return _can_view_cases(request)

    def get_readonly_fields(self, request, obj=None):
        # Everything, always: also on the history's "version" page, which builds its form
        # as if the user could change the case.
        return tuple(dict.fromkeys((*flatten_fieldsets(self.fieldsets), *self.readonly_fields)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "first_responder",
                "handling_department",
                "receiving_department",
                "current_holder",
                "path_department",
                "matter",
            )
        )

    @admin.display(description=_("requester's phone"))
    def masked_phone(self, obj):
        return mask_middle(obj.requester_phone, keep_start=3, keep_end=4)

    @admin.display(description=_("requester's address"))
    def masked_address(self, obj):
        return mask_middle(obj.requester_address, keep_start=6, keep_end=0)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_middle(obj.requester_id_number, keep_start=6, keep_end=4)

    @admin.display(description=_("deadline status"))
    def deadline_status(self, obj):
        if not obj.is_open:
            return _("Closed")
        if not obj.clock_running:
            return _("Clock stopped: waiting for the requester's materials")
        state = deadline_state(work_calendar(), deadline=obj.deadline, today=timezone.localdate())
        if state.is_overdue:
            return ngettext(
                "Overdue by %(days)s working day",
                "Overdue by %(days)s working days",
                state.overdue_by,
            ) % {"days": state.overdue_by}
        if state.working_days_left == 0:
            return _("Due today")
        return ngettext(
            "%(days)s working day left",
            "%(days)s working days left",
            state.working_days_left,
        ) % {"days": state.working_days_left}


class ReadOnlyCaseRecordMixin:
    """For a record the services write about a case: shown to whoever may see cases, every
    field read-only (also on a history "version" page), never added, changed or deleted."""

    def has_view_permission(self, request, obj=None):
        return _can_view_cases(request)

    def get_readonly_fields(self, request, obj=None):
        return tuple(dict.fromkeys((*flatten_fieldsets(self.fieldsets), *self.readonly_fields)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyCaseRecordMixin, HistoryAdmin):
    """Referrals (转办) for looking up and auditing: who passed which case to whom, and when it
    was accepted or returned."""

    list_display = (
        "case_number",
        "target",
        "from_user",
        "to_user",
        "to_department",
        "state",
        "created_at",
        "accept_due",
        "decided_by",
    )
    list_filter = ("target", "state", "to_department")
    search_fields = ("inquiry__number",)
    list_select_related = ("inquiry", "from_user", "to_user", "to_department", "decided_by")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {"fields": ("inquiry", "target", "is_lead", "state", "reason", "told", "handover")},
        ),
        (
            _("From and to"),
            {
                "fields": (
                    "from_user",
                    "from_department",
                    "to_user",
                    "to_department",
                    "intended_user",
                    "waiting_for_absent",
                )
            },
        ),
        (
            _("Acceptance"),
            {
                "fields": (
                    "created_at",
                    "accept_due",
                    "decided_at",
                    "decided_by",
                    "assigned_by",
                    "return_reason",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "inquiry",
                "from_user",
                "from_department",
                "to_user",
                "to_department",
                "intended_user",
                "decided_by",
                "assigned_by",
            )
        )

    @admin.display(description=_("case number"), ordering="inquiry__number")
    def case_number(self, obj):
        return obj.inquiry.number


class ReadListFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return (("yes", _("Read")), ("no", _("Unread")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyCaseRecordMixin, admin.ModelAdmin):
    """What people were told about cases, and whether they read it and got the email."""

    list_display = ("recipient", "kind", "case_number", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", ReadListFilter)
    search_fields = ("inquiry__number", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient", "inquiry")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "recipient",
                    "kind",
                    "inquiry",
                    "summary",
                    "event_key",
                    "created_at",
                    "read_at",
                    "emailed_at",
                )
            },
        ),
    )
    readonly_fields = ("summary",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient", "inquiry")

    @admin.display(description=_("case number"), ordering="inquiry__number")
    def case_number(self, obj):
        return obj.inquiry.number if obj.inquiry_id else "—"

    @admin.display(description=_("what happened"))
    def summary(self, obj):
        return obj.summary


# --- Personal data: access records (append-only) and retention rules -------------------------


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Who saw personal data unmasked, when, what and why: searched and exported, never
    added, changed or deleted here (the lists and exports write them)."""

    list_display = ("at", "user", "what", "reason", "case_count", "client_address")
    list_filter = ("at", "reason_kind", "what", ("user", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "user__username",
        "user__full_name",
        "case_numbers",
        "reason",
    )
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "at",
        "what",
        "case_numbers",
        "filters",
        "reason_kind",
        "reason",
        "client_address",
        "export",
    )
    fields = readonly_fields
    actions = ("export_xlsx",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cases"))
    def case_count(self, obj):
        return len(obj.case_numbers.split())

    @admin.action(description=_("Export the selected records to Excel"), permissions=["export"])
    def export_xlsx(self, request, queryset):
        return access_records_response(user=request.user, records=queryset)

    def has_export_permission(self, request):
        return request.user.has_perm("inquiries.export_accessrecord")


@admin.register(RetentionRule)
class RetentionRuleAdmin(HistoryAdmin):
    list_display = ("kind", "keep_years", "note")
    fields = ("kind", "keep_years", "note")

    def has_delete_permission(self, request, obj=None):
        # A kind without a rule gets its default back on the next run: change it instead.
        return False
