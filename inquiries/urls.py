from django.urls import path

from inquiries.views import directory, organisation_import

app_name = "inquiries"

urlpatterns = [
    path("directory/", directory.directory, name="directory"),
    path("directory/<str:code>/", directory.department_detail, name="department_detail"),
    path(
        "organisation/import/",
        organisation_import.organisation_import,
        name="organisation_import",
    ),
]
