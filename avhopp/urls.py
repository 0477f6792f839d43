from django.urls import path

from avhopp import views

app_name = "avhopp"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.create, name="create"),
    path("avtal/uppsagning/", views.agreement_notice, name="agreement_notice"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/steg/<str:name>/", views.step, name="step"),
    path(
        "avstamning/<int:kommun_a>/<int:kommun_b>/<str:period>/",
        views.reconciliation,
        name="reconciliation",
    ),
    path(
        "avstamning/<int:kommun_a>/<int:kommun_b>/<str:period>/klar/",
        views.reconciliation_settle,
        name="reconciliation_settle",
    ),
]
