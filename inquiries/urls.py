from django.urls import path

from inquiries.views import (
    case_actions,
    cases_list,
    directory,
    inbox,
    intake,
    online_letters,
    organisation_import,
    privacy,
    search,
    statistics,
    supervision,
    tracking,
)

app_name = "inquiries"

urlpatterns = [
    path("directory/", directory.directory, name="directory"),
    path("directory/<str:code>/", directory.department_detail, name="department_detail"),
    path(
        "organisation/import/",
        organisation_import.organisation_import,
        name="organisation_import",
    ),
    # Intake and lists.
    path("cases/new/", intake.intake, {"channel": "visit"}, name="intake_visit"),
    path("cases/new/phone/", intake.intake, {"channel": "phone"}, name="intake_phone"),
    path("cases/new/letter/", intake.intake, {"channel": "letter"}, name="intake_letter"),
    path("cases/new/fax/", intake.intake, {"channel": "fax"}, name="intake_fax"),
    path("cases/", cases_list.my_cases, name="my_cases"),
    path("cases/search/", search.case_search_view, name="case_search"),
    path("registers/phone/", cases_list.phone_register, name="phone_register"),
    path("registers/visits/", cases_list.visit_register, name="visit_register"),
    path("registers/letters/", cases_list.letter_register, name="letter_register"),
    path(
        "registers/<str:register>/export.xlsx",
        cases_list.register_export,
        name="register_export",
    ),
    path("lookup/matters/", intake.matter_lookup, name="matter_lookup"),
    path("privacy/unmask/", privacy.unmask, name="privacy_unmask"),
    path("privacy/unmask/end/", privacy.unmask_end, name="privacy_unmask_end"),
    # One case.
    path("cases/<str:number>/", case_actions.case_detail, name="case_detail"),
    path("cases/<str:number>/receipt/", case_actions.case_receipt, name="case_receipt"),
    path("cases/<str:number>/path/", case_actions.case_decide_path, name="case_decide_path"),
    path(
        "cases/<str:number>/disclosure/",
        case_actions.case_record_disclosure,
        name="case_record_disclosure",
    ),
    path("cases/<str:number>/notice/", case_actions.case_issue_notice, name="case_issue_notice"),
    path(
        "cases/<str:number>/notices/<int:sequence>/",
        case_actions.notice_print,
        name="notice_print",
    ),
    path(
        "cases/<str:number>/materials-complete/",
        case_actions.case_materials_complete,
        name="case_materials_complete",
    ),
    path("cases/<str:number>/start/", case_actions.case_start_handling, name="case_start"),
    path("cases/<str:number>/reply/", case_actions.case_reply, name="case_reply"),
    path("cases/<str:number>/close/", case_actions.case_close, name="case_close"),
    path("cases/<str:number>/send-back/", case_actions.case_send_back, name="case_send_back"),
    path("cases/<str:number>/reopen/", case_actions.case_reopen, name="case_reopen"),
    path("cases/<str:number>/note/", case_actions.case_add_note, name="case_add_note"),
    path("cases/<str:number>/rating/", case_actions.case_record_rating, name="case_record_rating"),
    path(
        "cases/<str:number>/rectification/",
        case_actions.case_rectification,
        name="case_rectification",
    ),
    path("cases/<str:number>/refer/", case_actions.case_refer, name="case_refer"),
    path(
        "cases/<str:number>/return/",
        case_actions.case_return_referral,
        name="case_return_referral",
    ),
    path(
        "cases/<str:number>/assign/",
        case_actions.case_assign_referral,
        name="case_assign_referral",
    ),
    path("cases/<str:number>/coordinate/", case_actions.case_coordinate, name="case_coordinate"),
    # The public channel: no login.
    path("track/", tracking.track, name="track"),
    path("letters/new/", online_letters.letter_new, name="letter_new"),
    path("letters/sent/", online_letters.letter_sent, name="letter_sent"),
    path("cases/<str:number>/pick-up/", case_actions.case_pick_up, name="case_pick_up"),
    # Supervision: the dashboard, pressing (督办), extensions (延期), statistics.
    path("supervision/", supervision.dashboard, name="supervision"),
    path(
        "supervision/<str:list_name>/export.xlsx",
        supervision.dashboard_export,
        name="supervision_export",
    ),
    path("cases/<str:number>/press/", supervision.case_press, name="case_press"),
    path(
        "cases/<str:number>/press/<int:pk>/answer/",
        supervision.press_answer,
        name="press_answer",
    ),
    path(
        "cases/<str:number>/extension/",
        supervision.extension_request,
        name="extension_request",
    ),
    path(
        "cases/<str:number>/extension/<int:pk>/decide/",
        supervision.extension_decide,
        name="extension_decide",
    ),
    path(
        "cases/<str:number>/extension/<int:pk>/told/",
        supervision.extension_told,
        name="extension_told",
    ),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/cases/", statistics.drilldown, name="statistics_cases"),
    path("statistics/export.xlsx", statistics.statistics_export, name="statistics_export"),
    # Referral inbox and notifications.
    path("referrals/", inbox.referral_inbox, name="referral_inbox"),
    path("referrals/<int:pk>/accept/", inbox.referral_accept_view, name="referral_accept"),
    path("referrals/<int:pk>/return/", inbox.referral_return_view, name="referral_return"),
    path("notifications/", inbox.notification_list, name="notifications"),
    path("notifications/read/", inbox.notification_mark_read, name="notifications_read"),
]
