from django.urls import path

from ansvarsforbindelse import views

app_name = "ansvarsforbindelse"

urlpatterns = [
    path("arende/<int:case_pk>/", views.commitment_list, name="list"),
    path("arende/<int:case_pk>/ny/", views.commitment_create, name="create"),
    path("arende/<int:case_pk>/gemensam-plan.pdf", views.joint_plan_pdf, name="joint_plan_pdf"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/andra/", views.commitment_edit, name="edit"),
    path("<int:pk>/underteckna/", views.commitment_sign, name="sign"),
    path("<int:pk>/skicka/", views.commitment_send, name="send"),
    path("<int:pk>/ny-version/", views.commitment_new_version, name="new_version"),
    path("<int:pk>/upphor/", views.commitment_end, name="end"),
    path("<int:pk>/forhandsgranska/", views.commitment_preview, name="preview"),
    path("<int:pk>/pdf/", views.commitment_pdf, name="pdf"),
]
