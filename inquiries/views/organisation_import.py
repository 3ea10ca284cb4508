from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse


@permission_required("inquiries.import_organisation", raise_exception=True)
def organisation_import(request):  # replaced by the import work in progress
    return HttpResponse("import")
