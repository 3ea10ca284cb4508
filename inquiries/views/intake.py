# Placeholder: the intake work in progress replaces this module.
from django.http import HttpResponse


def intake(request, channel):
    return HttpResponse(status=501)


def matter_lookup(request):
    return HttpResponse(status=501)
