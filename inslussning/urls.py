from django.urls import path

from inslussning import views

app_name = "inslussning"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.identify, name="identify"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/steg/<str:name>/", views.step, name="step"),
    path("<int:pk>/malgrupp/", views.reassess, name="reassess"),
    path("<int:pk>/undantag/", views.override, name="override"),
    path("<int:pk>/samordnare/", views.samordnare, name="samordnare"),
    path("<int:pk>/datum/", views.master_dates, name="master_dates"),
    path("<int:pk>/grupp/", views.member_add, name="member_add"),
    path("<int:pk>/grupp/<int:member_id>/lamna/", views.member_leave, name="member_leave"),
    path("<int:pk>/plan/ansvar/", views.responsibility, name="responsibility"),
    path("<int:pk>/plan/<str:area>/", views.area, name="area"),
    path("<int:pk>/moten/<int:point>/", views.meeting, name="meeting"),
    path("<int:pk>/schema/", views.booking_add, name="booking_add"),
    path("<int:pk>/schema/<int:booking_id>/ta-bort/", views.booking_remove, name="booking_remove"),
    path("<int:pk>/schema/utskrift/", views.schedule_print, name="schedule_print"),
    path("<int:pk>/utslussning/", views.measure_add, name="measure_add"),
    path(
        "<int:pk>/utslussning/<int:measure_id>/ta-bort/",
        views.measure_remove,
        name="measure_remove",
    ),
    path("<int:pk>/inslussningsplan.pdf", views.plan_pdf, name="plan_pdf"),
]
