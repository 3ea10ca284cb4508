from django.apps import AppConfig
from django.db.models.signals import (
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
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

        # The statistics summary follows every saved or deleted case, referral and rating
        # (inquiries.services.statistics).
        uid = "inquiries.statistics."
        for pre, post, name in ((pre_save, post_save, "save"), (pre_delete, post_delete, "del")):
            pre.connect(statistics.case_saving, Inquiry, dispatch_uid=f"{uid}case-pre-{name}")
            post.connect(statistics.case_saved, Inquiry, dispatch_uid=f"{uid}case-{name}")
            for model in (Referral, Rating):
                label = f"{model._meta.model_name}-{name}"
                pre.connect(statistics.related_saving, model, dispatch_uid=f"{uid}pre-{label}")
                post.connect(statistics.related_saved, model, dispatch_uid=f"{uid}{label}")
        post_save.connect(statistics.calendar_changed, CalendarOverride, dispatch_uid=uid + "cal")
        post_delete.connect(
            statistics.calendar_changed, CalendarOverride, dispatch_uid=uid + "cal-del"
        )
