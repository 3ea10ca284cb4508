from django.apps import AppConfig
from django.db.models.signals import (
    post_delete,
    post_init,
    post_migrate,
    post_save,
    pre_save,
)
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "inquiries"
    verbose_name = _("Cases and organisation")

    def ready(self):
        from inquiries.roles import sync_roles_after_migrate

        # Permissions are created on post_migrate, so the role groups that bundle them are
        # synchronised right after (also after a test flush, which re-emits the signal).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="inquiries.sync_roles")

        from inquiries.models import CalendarOverride, Inquiry, Rating, Referral
        from inquiries.services import statistics

        # The statistics summary follows every saved change to a case, a referral or a rating
        # (inquiries.services.statistics).
        uid = "inquiries.statistics."
        post_init.connect(statistics.remember_bucket, Inquiry, dispatch_uid=uid + "init")
        pre_save.connect(statistics.case_saving, Inquiry, dispatch_uid=uid + "pre")
        post_save.connect(statistics.case_saved, Inquiry, dispatch_uid=uid + "case")
        post_delete.connect(statistics.case_deleted, Inquiry, dispatch_uid=uid + "case-del")
        for model in (Referral, Rating):
            name = model._meta.model_name
            post_save.connect(statistics.related_saved, model, dispatch_uid=uid + name)
            post_delete.connect(statistics.related_saved, model, dispatch_uid=uid + name + "-del")
        post_save.connect(statistics.calendar_changed, CalendarOverride, dispatch_uid=uid + "cal")
        post_delete.connect(
            statistics.calendar_changed, CalendarOverride, dispatch_uid=uid + "cal-del"
        )
