from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from firstask import views
from firstask.accounts import sessions, two_factor

admin.site.site_header = _("firstask administration")
admin.site.site_title = _("firstask")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("account/alive/", sessions.keepalive, name="session_keepalive"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("inquiries.urls")),
    path("accountability/", include("penalties.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Lets `make run` show the 404/500 pages at /__errors__/404 without turning DEBUG off.
    urlpatterns += [path("__errors__/<int:code>", views.error_preview)]
