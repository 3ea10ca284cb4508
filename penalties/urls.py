"""Accountability URLs, mounted at /accountability/. Each view module lists its own routes."""

from penalties.views import assessment, commendations, violations

app_name = "penalties"

urlpatterns = [
    *violations.urlpatterns,
    *assessment.urlpatterns,
    *commendations.urlpatterns,
]
