"""Admin screens for the organisation: departments, people and their staff profiles.

Every screen keeps django-simple-history's change history one click away ("History").
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from inquiries.models import Department, StaffProfile, User
from inquiries.roles import ROLES

# Levels that can have something under them; sections are leaves.
PARENT_LEVELS = (Department.Level.UNIT, Department.Level.DEPARTMENT)


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
class DepartmentAdmin(SimpleHistoryAdmin):
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
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
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

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history 3.13 calls select_related() with no names for a model without
        # tracked foreign keys, which Django 6.1 deprecates; User has none, so name the one.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

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
class StaffProfileAdmin(SimpleHistoryAdmin):
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
