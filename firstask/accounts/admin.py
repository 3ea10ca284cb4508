"""Axes' sign-in records in the admin, read-only, for administrators.

Axes registers its own screens (full access for superusers only, through model permissions
nobody is given). Here they are re-registered so that the administrator role sees them too,
and nobody changes or deletes a record: an account is unlocked with
`manage.py axes_reset_username <username>` (docs/deployment.md), which leaves a trace in the
operators' shell history rather than a silent delete here.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from inquiries.roles import ADMINISTRATOR


class ReadOnlyForAdministrators:
    actions = None

    def _allowed(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.groups.filter(name=ADMINISTRATOR.group_name).exists())
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model, base in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (ReadOnlyForAdministrators, base), {}))
