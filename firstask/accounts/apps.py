from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "firstask.accounts"
    label = "firstask_accounts"
    verbose_name = _("Sign-in security")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from firstask.accounts import sessions, two_factor

        user_logged_in.connect(sessions.mark_signed_in, dispatch_uid="firstask-signed-in")
        user_logged_in.connect(two_factor.note_state_at_login, dispatch_uid="firstask-2fa-state")
