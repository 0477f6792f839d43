from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityReport(models.Model):
    """A reported accessibility problem (lag 2018:1937 requires a way to report one and an
    answer). Handled by the systemförvaltare in the admin."""

    created_at = models.DateTimeField(_("inkom"), auto_now_add=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    page = models.CharField(_("sida"), max_length=300, blank=True)
    description = models.TextField(_("beskrivning"))
    contact = models.CharField(_("kontaktuppgift"), max_length=200, blank=True)
    handled_at = models.DateTimeField(_("hanterad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rapport om tillgänglighetsbrist")
        verbose_name_plural = _("rapporter om tillgänglighetsbrister")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page}"
