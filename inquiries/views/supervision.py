# Placeholder: the supervision work in progress replaces this module.
from django.http import Http404


def dashboard(request):
    raise Http404


def dashboard_export(request, list_name):
    raise Http404


def case_press(request, number):
    raise Http404


def press_answer(request, number, pk):
    raise Http404


def extension_request(request, number):
    raise Http404


def extension_decide(request, number, pk):
    raise Http404


def extension_told(request, number, pk):
    raise Http404
