# Placeholder: the case lists work in progress replaces this module.
from django.http import HttpResponse


def my_cases(request):
    return HttpResponse(status=501)


def phone_register(request):
    return HttpResponse(status=501)


def visit_register(request):
    return HttpResponse(status=501)
