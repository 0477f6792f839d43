from django.urls import path

from deviations import views

app_name = "deviations"
urlpatterns = [
    path("oversikt/", views.dashboard_view, name="dashboard"),
    path("oversikt/arenden/", views.drilldown_view, name="drilldown"),
    path("oversikt/export/<slug:table>.<str:fmt>", views.export_view, name="export"),
    path("arende/<int:case_pk>/rapportera/", views.report, name="report"),
    path("<int:pk>/informerad/", views.record_informed, name="informed"),
    path("<int:pk>/atgard/", views.action_add, name="action_add"),
    path("atgard/<int:pk>/klar/", views.action_complete, name="action_complete"),
    path("<int:pk>/stang/", views.close, name="close"),
    path("rutin/<int:pk>/hantera/", views.routine_resolve, name="routine_resolve"),
]
