# Placeholder: the referral inbox work in progress replaces this module.
from django.http import Http404


def referral_inbox(request):
    raise Http404


def referral_accept_view(request, pk):
    raise Http404


def referral_return_view(request, pk):
    raise Http404


def notification_list(request):
    raise Http404


def notification_mark_read(request):
    raise Http404
