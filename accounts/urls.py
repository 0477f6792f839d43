from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("tvafaktor/", views.two_factor, name="two_factor"),
    # An invited external member chooses a password (Django's one-time reset token).
    path(
        "aktivera/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/activate.html",
            success_url=reverse_lazy("accounts:login"),
            post_reset_login=False,
        ),
        name="activate",
    ),
]
