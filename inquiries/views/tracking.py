# Placeholder: the public tracking work in progress replaces this module.
from django.http import Http404


def track(request):
    raise Http404
