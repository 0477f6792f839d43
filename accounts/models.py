from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_label(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """How a user is named on a page: the full name, else the username. For rows read as
    values (no User instance); ``str(user)`` gives the same."""
    return f"{first_name or ''} {last_name or ''}".strip() or (username or "")


class User(AbstractUser):
    """A person who works in Brygga. What they may see comes from their memberships
    (``cases.Membership``), never from fields on the user."""

    title = models.CharField(_("titel"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return user_label(self.first_name, self.last_name, self.username)
