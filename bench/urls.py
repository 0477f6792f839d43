"""The application's URLs plus the bare views. Used only by the bench (``override_settings``
in ``bench.run``); the application never routes to the bare views."""

from django.urls import path

from bench import bare
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench/bare/arenden/", bare.cases, name="bench_bare_cases"),
    path("bench/bare/logg/", bare.access_log, name="bench_bare_access_log"),
    path("bench/bare/notiser/", bare.notifications, name="bench_bare_notifications"),
    path("bench/bare/frister/", bare.deadlines, name="bench_bare_deadlines"),
    *app_urlpatterns,
]
