# Placeholder: the case page work in progress replaces this module.
from django.http import HttpResponse


def case_detail(request, number):
    return HttpResponse(status=501)


def case_receipt(request, number):
    return HttpResponse(status=501)


def case_decide_path(request, number):
    return HttpResponse(status=501)


def case_record_disclosure(request, number):
    return HttpResponse(status=501)


def case_issue_notice(request, number):
    return HttpResponse(status=501)


def notice_print(request, number, sequence):
    return HttpResponse(status=501)


def case_materials_complete(request, number):
    return HttpResponse(status=501)


def case_start_handling(request, number):
    return HttpResponse(status=501)


def case_reply(request, number):
    return HttpResponse(status=501)


def case_close(request, number):
    return HttpResponse(status=501)


def case_reopen(request, number):
    return HttpResponse(status=501)


def case_add_note(request, number):
    return HttpResponse(status=501)
