from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views as portal

urlpatterns = [
    path("", portal.home, name="home"),
    path("healthz", portal.healthz, name="healthz"),
    path("tillganglighet/", portal.accessibility_statement, name="accessibility_statement"),
    path("tillganglighet/rapportera/", portal.accessibility_report, name="accessibility_report"),
    path("konto/", include("accounts.urls")),
    path("arenden/", include("cases.urls")),
    path("frister/", include("cases.urls_deadlines")),
    path("ansvarsforbindelser/", include("ansvarsforbindelse.urls")),
    path("avhopparuppdrag/", include("avhopp.urls")),
    path("inslussning/", include("inslussning.urls")),
    path("avvikelser/", include("deviations.urls")),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
