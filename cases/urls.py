from django.urls import path

from cases.views import detail, lists, review, steps

app_name = "cases"
urlpatterns = [
    path("", lists.my_cases, name="my_cases"),
    path("organisation/", lists.organisation_cases, name="organisation_cases"),
    path("nytt/", detail.case_create, name="create"),
    path("<int:pk>/", detail.case_detail, name="detail"),
    path("<int:pk>/tidslinje/", detail.case_timeline, name="timeline"),
    path("<int:pk>/samtycke/", detail.consent_create, name="consent_create"),
    path(
        "<int:pk>/samtycke/<int:consent_pk>/aterkalla/",
        detail.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/anteckningar/", detail.note_create, name="note_create"),
    path("<int:pk>/bilagor/", detail.attachment_create, name="attachment_create"),
    path(
        "<int:pk>/bilagor/<int:attachment_pk>/",
        detail.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/handlaggare/", detail.assign_handlaggare, name="assign_handlaggare"),
    path("<int:pk>/steg/<str:name>/", steps.step, name="step"),
    path("<int:pk>/personutredning/", steps.presentence_request, name="presentence_request"),
    path("<int:pk>/byt-vardgivare/", steps.care_provider_change, name="care_provider_change"),
    path("<int:pk>/gemensam-plan/", steps.joint_plan, name="joint_plan"),
    path("<int:pk>/gemensam-plan/utskrift/", detail.joint_plan_print, name="joint_plan_print"),
    path("loggkontroll/", review.log_review, name="log_review"),
    path("loggkontroll/export.csv", review.log_review_export, name="log_review_export"),
    path("loggkontroll/<int:entry_pk>/markera/", review.log_entry_flag, name="log_entry_flag"),
    path("medarbetare/", review.members, name="members"),
]
