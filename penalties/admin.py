"""Admin screens for accountability: the policy (levels, catalog, escalation rules,
consequences) with presets to install, copy and put in force; the records read-only.

Nothing here is ever deleted: policies are copied and replaced, records change only through
`penalties.services`. Every screen keeps the change history one click away.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inquiries.admin import HistoryAdmin
from penalties import engine
from penalties.models import (
    Commendation,
    Consequence,
    EscalationRule,
    Policy,
    Sanction,
    SanctionLevel,
    Standing,
    Violation,
    ViolationType,
)
from penalties.presets import PRESETS
from penalties.services.policy import policy_activate, policy_copy, policy_create_from_preset
from penalties.services.standing import standings_recompute_all


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    """Shown, never added or changed here (also on a history "version" page)."""

    def get_readonly_fields(self, request, obj=None):
        if self.fieldsets:
            return tuple(dict.fromkeys((*flatten_fieldsets(self.fieldsets), *self.readonly_fields)))
        return tuple(field.name for field in self.model._meta.fields)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PolicyLevelFieldsMixin:
    """Sanction level choices limited to the levels of the policy being edited."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is SanctionLevel:
            policy = getattr(request, "_penalties_policy", None)
            kwargs["queryset"] = (
                SanctionLevel.objects.filter(policy=policy)
                if policy is not None
                else SanctionLevel.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PolicyInline(NoDeleteMixin, PolicyLevelFieldsMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class SanctionLevelInline(PolicyInline):
    model = SanctionLevel
    fields = ("rank", "code", "name", "rating_floor", "bonus_withheld_percent")


class ViolationTypeInline(PolicyInline):
    model = ViolationType
    fields = (
        "sort_order",
        "code",
        "description",
        "default_level",
        "detection",
        "unit_level",
        "basis",
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "basis":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EscalationRuleInline(PolicyInline):
    model = EscalationRule
    fields = (
        "counted_level",
        "or_heavier",
        "threshold",
        "result",
        "result_level",
        "result_rating",
        "basis",
    )


class ConsequenceInline(PolicyInline):
    model = Consequence
    fields = ("kind", "min_level", "min_count", "on_rating", "basis")


class PresetInstallForm(forms.Form):
    preset = forms.ChoiceField(label=_("preset"), choices=Policy.Preset.choices)
    name = forms.CharField(
        label=_("name"), max_length=100, required=False, help_text=_("Empty: the preset's name.")
    )
    activate = forms.BooleanField(label=_("put in force now"), required=False)


@admin.register(Policy)
class PolicyAdmin(NoDeleteMixin, PolicyLevelFieldsMixin, HistoryAdmin):
    list_display = ("name", "preset", "is_active", "year_start_month", "leadership_chain")
    list_filter = ("is_active", "preset")
    search_fields = ("name", "source")
    readonly_fields = ("is_active", "preset")
    fieldsets = (
        (None, {"fields": ("name", "preset", "is_active", "source", "year_start_month")}),
        (
            _("Leadership chain and units"),
            {
                "fields": (
                    "leadership_chain",
                    "principal_leader_level",
                    "important_leader_level",
                    "unit_correction_days",
                    "unit_refusal_level",
                    "statement_days",
                )
            },
        ),
    )
    inlines = (SanctionLevelInline, ViolationTypeInline, EscalationRuleInline, ConsequenceInline)
    actions = ("copy_policies", "put_in_force")

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._penalties_policy = obj
        return super().get_form(request, obj, change, **kwargs)

    def get_urls(self):
        return [
            path(
                "install-preset/",
                self.admin_site.admin_view(self.install_preset_view),
                name="penalties_policy_install_preset",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "install_preset_url": reverse("admin:penalties_policy_install_preset"),
            "may_install": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def install_preset_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PresetInstallForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["activate"] and not self.has_change_permission(request):
                raise PermissionDenied
            policy = policy_create_from_preset(
                preset=form.cleaned_data["preset"],
                name=form.cleaned_data["name"] or None,
                activate=form.cleaned_data["activate"],
            )
            self.message_user(
                request,
                gettext("Installed “%(name)s”.") % {"name": policy.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:penalties_policy_change", args=[policy.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Install a preset"),
            "form": form,
            "presets": [
                {"preset": preset, "label": Policy.Preset(key).label}
                for key, preset in PRESETS.items()
            ],
        }
        return TemplateResponse(request, "admin/penalties/policy_install_preset.html", context)

    @admin.action(description=_("Copy the selected policies"), permissions=["add"])
    def copy_policies(self, request, queryset):
        for policy in queryset:
            copy = policy_copy(
                policy=policy, name=gettext("Copy of %(name)s") % {"name": policy.name}
            )
            self.message_user(
                request, gettext("Copied to “%(name)s”.") % {"name": copy.name}, messages.SUCCESS
            )

    @admin.action(description=_("Put the selected policy in force"), permissions=["change"])
    def put_in_force(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Choose exactly one policy to put in force."), messages.ERROR
            )
            return
        policy = policy_activate(policy=queryset.get())
        count = self._recompute_current_year(policy)
        self.message_user(
            request,
            gettext("“%(name)s” is in force; %(count)s standings recomputed.")
            % {"name": policy.name, "count": count},
            messages.SUCCESS,
        )

    def _recompute_current_year(self, policy) -> int:
        year = engine.assessment_year(timezone.localdate(), policy)
        return standings_recompute_all(year=year)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_active:
            # The rules in force changed: the current year's standings follow at once.
            self._recompute_current_year(form.instance)


@admin.register(Standing)
class StandingAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = (
        "person",
        "year",
        "department",
        "sanctions_in_force",
        "commendations",
        "rating_floor",
        "no_excellence",
        "no_promotion",
        "department_no_advanced",
        "post_change",
        "bonus_withheld_percent",
    )
    list_filter = ("year", "rating_floor", "no_excellence", "department_no_advanced")
    search_fields = ("person__username", "person__full_name")
    list_select_related = ("person", "department")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ("number", "person", "department", "violation_type", "source", "state")
    list_filter = ("state", "source", "detection")
    search_fields = ("number", "person__username", "person__full_name", "allegation")
    list_select_related = ("person", "department", "violation_type")


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ("violation", "person", "level", "responsibility", "state", "decided_on")
    list_filter = ("state", "responsibility")
    search_fields = ("violation__number", "person__username", "person__full_name")
    list_select_related = ("violation", "person", "level")


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ("person", "source", "received_on", "withdrawn_at")
    list_filter = ("source",)
    search_fields = ("person__username", "person__full_name", "text")
    list_select_related = ("person",)
