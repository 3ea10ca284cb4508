# Placeholder: the statistics work in progress replaces this module.
from django.http import Http404


def statistics(request):
    raise Http404


def drilldown(request):
    raise Http404


def statistics_export(request):
    raise Http404
