"""Inslussning (001 §§ 7–11; 002; DOMAIN.md §3.3): the re-entry programme around a case of type
``inslussning``. The programme is keyed by its case, so the access rule, consent, journal and
audit of the case core apply unchanged; what is specific to the programme lives here."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Organisation


class Criterion(models.TextChoices):
    """The target group (001 § 7): "Den som ska få inslussningshjälp behöver vara motiverad att
    upphöra med kriminalitet, ha behov av stöd från mer än en samhällsaktör, ha avtjänat ett inte
    alltför kort fängelsestraff, inte vara dömd till utvisning och förväntas bli villkorligt
    frigiven med övervakning." The value is the name of the Programme field holding the answer."""

    MOTIVATED = "motivated", _("Motiverad att upphöra med kriminalitet")
    NEEDS_SEVERAL_ACTORS = "needs_several_actors", _("Behöver stöd från mer än en samhällsaktör")
    SENTENCE_NOT_TOO_SHORT = "sentence_not_too_short", _("Avtjänar ett inte alltför kort straff")
    NOT_DEPORTATION = "not_deportation", _("Är inte dömd till utvisning")
    EXPECTS_SUPERVISION = (
        "expects_supervision",
        _("Förväntas bli villkorligt frigiven med övervakning"),
    )


@pghistory.track()
class Programme(models.Model):
    """Inslussningsprogram: the target-group assessment, the master dates from Kriminalvården,
    the samordnare and the plan's overall responsibility."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="programme"
    )
    # Målgruppsbedömning, recorded by the frivårdskoordinator who identifies the client (002:
    # "Frivårdskoordinatorn ansvarar för att identifiera och inkludera klienter").
    motivated = models.BooleanField(Criterion.MOTIVATED.label)
    needs_several_actors = models.BooleanField(Criterion.NEEDS_SEVERAL_ACTORS.label)
    sentence_not_too_short = models.BooleanField(Criterion.SENTENCE_NOT_TOO_SHORT.label)
    not_deportation = models.BooleanField(Criterion.NOT_DEPORTATION.label)
    expects_supervision = models.BooleanField(Criterion.EXPECTS_SUPERVISION.label)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("bedömd"))
    # A chef may include a client who fails a criterion, with a reason (DOMAIN.md §3.3).
    override_reason = models.TextField(_("skäl att inkludera trots kriterierna"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    # The day the client was included (consent given); meeting 1 is due some weeks after it.
    included_on = models.DateField(_("inkluderad"), null=True, blank=True)
    # Master data from Kriminalvården: never derived here (övervakning usually lasts a year, but
    # the prövotid can be longer; since 2026 at least two years, so never VF + 12 months).
    release_date = models.DateField(_("datum för villkorlig frigivning"), null=True, blank=True)
    supervision_end = models.DateField(_("övervakningen upphör"), null=True, blank=True)
    # Inslussningssamordnare (001 § 11): one named person, from frivården by default.
    samordnare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inslussningssamordnare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_programmes",
    )
    samordnare_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # SIP: "vem som har det övergripande ansvaret" for the plan.
    overall_responsibility = models.CharField(
        _("övergripande ansvar för planen"), max_length=200, blank=True
    )
    # Meeting 5 (001 § 9.1): "en summering görs och ... det fortsatta arbetet ... ses över".
    end_summary = models.TextField(_("summering och fortsatt arbete"), blank=True)
    end_reason = models.TextField(_("skäl till avbrott"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inslussningsprogram")
        verbose_name_plural = _("inslussningsprogram")
        indexes = [models.Index(fields=["samordnare"], name="programme_samordnare_idx")]

    def __str__(self) -> str:
        return str(self.case_id)


class MemberRole(models.TextChoices):
    """The inslussningsgrupp (001 § 10.1)."""

    ANSTALT = "anstalt", _("Anstalt")
    FRIVARD = "frivard", _("Frivård")
    SOCIALTJANST = "socialtjanst", _("Socialtjänst i hemkommunen")
    ARBETSFORMEDLINGEN = "arbetsformedlingen", _("Arbetsförmedlingen")
    STODPERSON = "stodperson", _("Stödperson (civila samhället)")
    REGION = "region", _("Regionens hälso- och sjukvård")
    ANHORIG = "anhorig", _("Anhörig eller annan i nätverket")
    OVRIG = "ovrig", _("Annan aktör")


# "Kriminalvården är en självskriven deltagare. Det gäller både anstalten ... och det
# frivårdskontor ... Även socialtjänsten på den intagnes hemort får ... anses självskriven."
CORE_ROLES = (MemberRole.ANSTALT, MemberRole.FRIVARD, MemberRole.SOCIALTJANST)


@pghistory.track()
class GroupMember(models.Model):
    """A member of the inslussningsgrupp: an organisation with its contact person, or a relative
    (no organisation, no account)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("roll i gruppen"), max_length=30, choices=MemberRole.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=120, blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-post"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(_("lämnade gruppen"), null=True, blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("medlem i inslussningsgruppen")
        verbose_name_plural = _("medlemmar i inslussningsgruppen")

    def __str__(self) -> str:
        return self.get_role_display()

    @property
    def has_external_account(self) -> bool:
        """An invited external member (the core parties log in with their own accounts)."""
        return self.user_id is not None and self.role not in CORE_ROLES

    @property
    def label(self) -> str:
        """How the plan names the member: the organisation, or the role for a relative."""
        return self.organisation.name if self.organisation else str(self.get_role_display())


class Area(models.TextChoices):
    """The programme's areas (001 § 8)."""

    BOSTAD = "bostad", _("Bostad och försörjning")
    SYSSELSATTNING = "sysselsattning", _("Sysselsättning")
    UTBILDNING = "utbildning", _("Utbildning")
    SKULDER = "skulder", _("Skulder")
    BEHANDLING = "behandling", _("Behandling")
    STODPERSON = "stodperson", _("Stödperson")
    PRAKTISKA = "praktiska", _("Praktiska insatser")
    KONTROLL = "kontroll", _("Kontroll")


class AreaStatus(models.TextChoices):
    NOT_ASSESSED = "ej_bedomt", _("Inte bedömt")
    NO_NEED = "inget_behov", _("Inget behov")
    PLANNED = "planerad", _("Planerad")
    ONGOING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")


@pghistory.track()
class ProgrammeArea(models.Model):
    """One row of the SIP-style plan: need, agreed insats, who is responsible, status, follow-up."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(_("område"), max_length=20, choices=Area.choices)
    need = models.TextField(_("behov"), blank=True)
    insats = models.TextField(_("överenskommen insats"), blank=True)
    responsible = models.ForeignKey(
        GroupMember,
        verbose_name=_("ansvarig aktör"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AreaStatus.choices, default=AreaStatus.NOT_ASSESSED
    )
    follow_up_on = models.DateField(_("uppföljning"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("programområde")
        verbose_name_plural = _("programområden")
        constraints = [
            models.UniqueConstraint(fields=["programme", "area"], name="programme_area_unique")
        ]

    def __str__(self) -> str:
        return self.get_area_display()


class MeetingPoint(models.IntegerChoices):
    """The five critical planning points (001 § 9.1)."""

    VERKSTALLIGHET = 1, _("1. När verkställighetens innehåll planeras")
    INFOR_FRIGIVNING = 2, _("2. Inför frigivning")
    FRIGIVNING = 3, _("3. I samband med frigivning")
    OVERVAKNING = 4, _("4. Under övervakningstiden")
    INFOR_AVSLUT = 5, _("5. Inför övervakningstidens slut")


@pghistory.track()
class PlanningMeeting(models.Model):
    """A planning meeting of the group. ``planned_for`` is derived (``inslussning.dates``) and
    mirrored by a deadline with reminders; ``held_on`` marks it done."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="meetings")
    point = models.PositiveSmallIntegerField(_("planeringstillfälle"), choices=MeetingPoint.choices)
    planned_for = models.DateField(_("senast"), null=True, blank=True)
    held_on = models.DateField(_("genomfört"), null=True, blank=True)
    participants = models.ManyToManyField(
        GroupMember, verbose_name=_("deltagare"), blank=True, related_name="meetings"
    )
    # "Det är angeläget att individen är delaktig i alla planeringsskeden" (001 § 9.1).
    client_took_part = models.BooleanField(_("klienten deltog"), default=False)
    notes = models.TextField(_("anteckningar"), blank=True)
    decisions = models.TextField(_("beslut"), blank=True)
    follow_up_actions = models.TextField(_("uppföljande åtgärder"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["point"]
        verbose_name = _("planeringsmöte")
        verbose_name_plural = _("planeringsmöten")
        constraints = [
            models.UniqueConstraint(fields=["programme", "point"], name="meeting_point_unique")
        ]
        indexes = [
            models.Index(
                fields=["planned_for"],
                condition=models.Q(held_on__isnull=True),
                name="meeting_not_held_idx",
            )
        ]

    def __str__(self) -> str:
        return self.get_point_display()


class ReleaseBooking(models.Model):
    """One entry of the schedule for the first time in freedom (001 § 9.1, point 2: "boka möten
    och i övrigt schemalägga den första tiden i frihet")."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bookings")
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200)
    with_whom = models.CharField(_("med vem"), max_length=200)
    what = models.CharField(_("vad"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("bokning första tiden i frihet")
        verbose_name_plural = _("schema för första tiden i frihet")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class ReleaseMeasureKind(models.TextChoices):
    """De särskilda utslussningsåtgärderna (004; fängelselagen 11 kap.)."""

    FRIGANG = "frigang", _("Frigång")
    VARDVISTELSE = "vardvistelse", _("Vårdvistelse")
    HALVVAGSHUS = "halvvagshus", _("Halvvägshus")
    UTOKAD_FRIGANG = "utokad_frigang", _("Utökad frigång")


@pghistory.track()
class ReleaseMeasure(models.Model):
    """An utslussningsåtgärd the client has during the programme; it changes the planning
    (001 § 9.1: "Planeringen kommer att påverkas av om detta blir fallet"). A vårdvistelse is
    its own case: linked, not copied."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("åtgärd"), max_length=20, choices=ReleaseMeasureKind.choices)
    starts_on = models.DateField(_("från"))
    ends_on = models.DateField(_("till"), null=True, blank=True)
    linked_case = models.ForeignKey(
        Case,
        verbose_name=_("vårdvistelseärende"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("utslussningsåtgärd")
        verbose_name_plural = _("utslussningsåtgärder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="release_measure_period_valid",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
