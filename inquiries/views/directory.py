from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def directory(request):  # replaced by the directory work in progress
    return HttpResponse("directory")


@login_required
def department_detail(request, code):
    return HttpResponse(code)
