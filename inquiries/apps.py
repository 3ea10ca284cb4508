from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Cases and organisation")

    def ready(self):
        from inquiries.roles import sync_roles_after_migrate

        # Permissions are created on post_migrate, so the role groups that bundle them are
        # synchronised right after (also after a test flush, which re-emits the signal).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="inquiries.sync_roles")
