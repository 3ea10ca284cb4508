"""Bulk import of departments and staff: the upload page, its result, and template files."""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_http_methods

from inquiries import importing
from inquiries.forms import OrganisationImportForm

# A file with thousands of mistakes is fixed a screenful at a time.
ERRORS_SHOWN = 200
CHANGES_SHOWN = 200
# Beyond this many new accounts the admin link lists everyone instead of filtering by name.
NEW_USERS_LINKED = 100

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILES = {
    f"{kind}.{extension}": (kind, extension)
    for kind in importing.ImportKind.values
    for extension in ("xlsx", "csv")
}


@login_required
@permission_required("inquiries.import_organisation", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_import(request):
    """GET explains the formats (or, with ?template=, downloads one); POST imports a file."""
    if request.method != "POST" and "template" in request.GET:
        return _template_download(request.GET["template"])

    result = None
    if request.method == "POST":
        form = OrganisationImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = importing.organisation_import(
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
    else:
        form = OrganisationImportForm()

    context = {
        "form": form,
        "result": result,
        "formats": [
            {
                "kind": kind,
                "label": label,
                "columns": importing.COLUMNS[kind],
                "downloads": [
                    (extension, f"{request.path}?{urlencode({'template': name})}")
                    for name, (file_kind, extension) in TEMPLATE_FILES.items()
                    if file_kind == kind
                ],
            }
            for kind, label in importing.ImportKind.choices
        ],
        "max_rows": importing.MAX_ROWS,
        "max_size": filesizeformat(settings.ORGANISATION_IMPORT_MAX_BYTES),
    }
    if result is not None:
        context.update(
            errors_shown=result.errors[:ERRORS_SHOWN],
            errors_more=max(len(result.errors) - ERRORS_SHOWN, 0),
            changes_shown=result.changes[:CHANGES_SHOWN],
            changes_more=max(len(result.changes) - CHANGES_SHOWN, 0),
            new_users_url=_new_users_url(result),
        )
    return TemplateResponse(request, "inquiries/organisation_import.html", context)


def _template_download(name: str) -> HttpResponse:
    if name not in TEMPLATE_FILES:
        raise Http404
    kind, extension = TEMPLATE_FILES[name]
    if extension == "xlsx":
        body, content_type = importing.import_template_xlsx(kind=kind), XLSX_CONTENT_TYPE
    else:
        body, content_type = importing.import_template_csv(kind=kind), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _new_users_url(result: importing.ImportResult) -> str | None:
    """The user list in the admin, narrowed to the new accounts when there are few."""
    if not result.new_users_without_password:
        return None
    try:
        url = reverse("admin:inquiries_user_changelist")
    except NoReverseMatch:  # the admin is not installed
        return None
    if len(result.new_usernames) <= NEW_USERS_LINKED:
        url += "?" + urlencode({"username__in": ",".join(result.new_usernames)})
    return url
