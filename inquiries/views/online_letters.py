# Placeholder: the online letters work in progress replaces this module.
from django.http import Http404


def letter_new(request):
    raise Http404


def letter_sent(request):
    raise Http404
