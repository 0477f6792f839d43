"""Which vårdgivare to choose: the rule of 000 "Val av vårdgivare" (DOMAIN.md §4).

The guideline says:

    "Vid institutionsplacering används i första hand vårdgivare som är upphandlad av båda
    myndigheterna. Finns inte lämplig vårdgivare upphandlad väljs vårdgivare som är upphandlad
    av den myndighet som enligt bedömning kommer att ansvara för den större delen av vårdtiden."

``recommend`` turns that into a recommendation with a reason the handläggare can read and that
is stored with the choice. It is a pure function of its arguments (no database access beyond
iterating ``providers``, no clock), so the same facts always give the same advice and it is
easy to test. The recommendation is advice: the handläggare may choose another provider, and
then has to give a written reason (the deviation is recorded with the choice).

Care days. The planned care period runs from ``planned_start`` to ``planned_end``, both days
included. ``transfer_date`` is the first day of the kommun's responsibility (kontraktsvård: the
day after Kriminalvården's payment responsibility ends; vårdvistelse: the day of villkorlig
frigivning; see ``cases.models.care.CareProcess.transfer_date``). Kriminalvården is responsible
from ``planned_start`` up to and including the day before ``transfer_date``, the kommun from
``transfer_date`` up to and including ``planned_end``.

The guideline states rule 1 for institutionsplacering; the register applies the same order to
every form of care, because the reasoning (a provider both authorities can pay avoids a change
of provider when responsibility passes from one to the other) holds for all of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext, ngettext

from ansvarsforbindelse.models import CareProvider, FormOfCare, ProcuredBy

__all__ = [
    "Recommendation",
    "is_recommended",
    "recommend",
    "split_care_days",
    "swedish_sort_key",
]

# Swedish alphabetical order puts å, ä, ö after z, in that order (code point order would give
# ä < å < ö, and a plain casefold would sort "Älvstranden" before "Bergsgården"). The three map
# to the ASCII characters just after "z".
_SWEDISH_LAST_LETTERS = {"å": "{", "ä": "|", "ö": "}"}


@dataclass(frozen=True)
class Recommendation:
    """The advice for one planned care period.

    ``authority`` is whose procured providers are recommended (``ProcuredBy``: ``bada``,
    ``kriminalvarden`` or ``kommun``). When no provider fits (``providers`` empty) it is still
    the authority the rule pointed to. ``kv_days`` and ``kommun_days`` are the care days each
    authority is responsible for; together they are the length of the planned period.
    """

    authority: ProcuredBy
    providers: list[CareProvider] = field(hash=False)
    reason: str
    kv_days: int
    kommun_days: int

    @property
    def total_days(self) -> int:
        return self.kv_days + self.kommun_days


def swedish_sort_key(text: str) -> str:
    """Sort key for names in Swedish alphabetical order, case-insensitive.

    å, ä and ö are letters of their own after z; other accented letters sort with their base
    letter (é with e, ü with u), as in Svenska Akademiens ordlista.
    """
    key = []
    for char in text.casefold():
        if char in _SWEDISH_LAST_LETTERS:
            key.append(_SWEDISH_LAST_LETTERS[char])
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        key.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(key)


def split_care_days(
    *, planned_start: date, planned_end: date, transfer_date: date | None
) -> tuple[int, int]:
    """``(kv_days, kommun_days)`` for the planned period, both ends inclusive.

    Kriminalvården has the days before ``transfer_date``, the kommun ``transfer_date`` and later.
    A transfer on or before ``planned_start`` gives every day to the kommun; one after
    ``planned_end`` gives every day to Kriminalvården. ``transfer_date=None`` (not yet known)
    counts the whole period as Kriminalvården's: until a transfer is decided, Kriminalvården is
    the responsible authority (000: until "betalningsansvaret övergår till socialtjänsten").
    """
    if planned_end < planned_start:
        raise ValueError("planned_end must not be before planned_start")
    total = (planned_end - planned_start).days + 1
    if transfer_date is None:
        return total, 0
    last_kv_day = min(transfer_date - timedelta(days=1), planned_end)
    kv_days = max((last_kv_day - planned_start).days + 1, 0)
    return kv_days, total - kv_days


def recommend(
    *,
    providers: Iterable[CareProvider],
    planned_start: date,
    planned_end: date,
    transfer_date: date | None,
    form_of_care: str | None = None,
) -> Recommendation:
    """Recommend vårdgivare for a planned care period (000 "Val av vårdgivare").

    1. Providers procured by both authorities, valid for the whole planned period and of the
       requested ``form_of_care`` (if given) are recommended first.
    2. Otherwise the care days are split at ``transfer_date`` (see ``split_care_days``) and the
       providers procured by the authority with the larger share, valid for the whole period and
       of the requested form of care, are recommended. On a tie the kommun is chosen.
    3. If no provider fits, ``providers`` is empty and the reason says that a choice outside the
       procured providers needs a written reason.

    "Valid for the whole period" means active, ``valid_from <= planned_start`` and ``valid_to``
    empty or ``>= planned_end``: a provider whose agreement ends during the stay could not be
    kept, and the guideline's point is to avoid a change of provider. ``providers`` may be any
    iterable or a queryset (typically ``CareProvider.objects.all()``); recommended providers
    are returned ordered by name.

    Raises ``ValueError`` if ``planned_end`` is before ``planned_start`` or ``form_of_care`` is
    not a ``FormOfCare`` value.
    """
    if form_of_care is not None and form_of_care not in FormOfCare.values:
        raise ValueError(f"unknown form of care: {form_of_care!r}")
    kv_days, kommun_days = split_care_days(
        planned_start=planned_start, planned_end=planned_end, transfer_date=transfer_date
    )

    candidates = sorted(
        (
            provider
            for provider in providers
            if provider.is_valid_throughout(planned_start, planned_end)
            and (form_of_care is None or provider.form_of_care == form_of_care)
        ),
        key=lambda provider: (swedish_sort_key(provider.name), provider.name),
    )

    def procured_by(authority: ProcuredBy) -> list[CareProvider]:
        return [provider for provider in candidates if provider.procured_by == authority]

    # Rule 1: a provider both authorities have procured can stay when responsibility passes
    # from Kriminalvården to the kommun, so it comes first (000 "i första hand").
    both = procured_by(ProcuredBy.BADA)
    if both:
        return Recommendation(
            authority=ProcuredBy.BADA,
            providers=both,
            reason=gettext("Vårdgivare upphandlade av båda myndigheterna väljs i första hand."),
            kv_days=kv_days,
            kommun_days=kommun_days,
        )

    # Rule 2: the authority responsible for "den större delen av vårdtiden" (000).
    # Tie-break: with exactly equal shares the guideline gives no answer; we choose the kommun,
    # because the kommun carries the commitment (the ansvarsförbindelse) from the transfer to
    # the end of the care, so a provider it has procured can be kept for the rest of the stay.
    # A tie needs a known transfer date (an unknown one gives every day to Kriminalvården).
    authority = ProcuredBy.KRIMINALVARDEN if kv_days > kommun_days else ProcuredBy.KOMMUN
    transfer_known = transfer_date is not None
    chosen = procured_by(authority)
    if chosen:
        return Recommendation(
            authority=authority,
            providers=chosen,
            reason=" ".join(
                [
                    gettext("Ingen lämplig vårdgivare upphandlad av båda myndigheterna finns."),
                    _share_sentence(authority, kv_days, kommun_days, transfer_known),
                ]
            ),
            kv_days=kv_days,
            kommun_days=kommun_days,
        )

    # Rule 3: nothing procured fits. The handläggare may still choose a provider, but the
    # choice departs from the guideline and must be motivated in writing.
    return Recommendation(
        authority=authority,
        providers=[],
        reason=" ".join(
            [
                _nothing_fits_sentence(authority, form_of_care),
                _days_sentence(authority, kv_days, kommun_days, transfer_known),
                gettext("Väljs en annan vårdgivare ska valet motiveras skriftligt."),
            ]
        ),
        kv_days=kv_days,
        kommun_days=kommun_days,
    )


def is_recommended(provider: CareProvider, recommendation: Recommendation) -> bool:
    """Whether choosing ``provider`` follows the recommendation (otherwise a written reason is
    needed). Saved providers compare by primary key, unsaved ones by identity."""
    return provider in recommendation.providers


# The reasons are whole sentences per case (rather than fragments glued together) so that each
# reads naturally and can be translated as a unit.


def _percent(part: int, total: int) -> int:
    """``part / total`` in whole percent, halves rounded up (not Python's round-half-even)."""
    return (200 * part + total) // (2 * total)


def _share_sentence(
    authority: ProcuredBy, kv_days: int, kommun_days: int, transfer_known: bool
) -> str:
    """Rule 2: who has the larger share of the care days, and so whose providers are advised."""
    total = kv_days + kommun_days
    if not transfer_known:
        return ngettext(
            "Datum då kommunen tar över är inte känt, så hela vårdtiden (%(total)d vårddag) "
            "räknas som Kriminalvårdens. Därför rekommenderas vårdgivare upphandlade av "
            "Kriminalvården.",
            "Datum då kommunen tar över är inte känt, så hela vårdtiden (%(total)d vårddagar) "
            "räknas som Kriminalvårdens. Därför rekommenderas vårdgivare upphandlade av "
            "Kriminalvården.",
            total,
        ) % {"total": total}
    if kv_days == kommun_days:
        return gettext(
            "Kriminalvården och kommunen ansvarar för lika många vårddagar (%(days)d var av "
            "%(total)d). Vid lika fördelning rekommenderas vårdgivare upphandlade av kommunen, "
            "eftersom kommunen bär ansvaret från övergången till vårdtidens slut."
        ) % {"days": kv_days, "total": total}
    days = kv_days if authority == ProcuredBy.KRIMINALVARDEN else kommun_days
    values = {"days": days, "total": total, "percent": _percent(days, total)}
    if authority == ProcuredBy.KRIMINALVARDEN:
        return (
            ngettext(
                "Kriminalvården ansvarar för %(days)d av %(total)d vårddag (%(percent)d %%), "
                "därför rekommenderas vårdgivare upphandlade av Kriminalvården.",
                "Kriminalvården ansvarar för %(days)d av %(total)d vårddagar (%(percent)d %%), "
                "därför rekommenderas vårdgivare upphandlade av Kriminalvården.",
                total,
            )
            % values
        )
    return (
        ngettext(
            "Kommunen ansvarar för %(days)d av %(total)d vårddag (%(percent)d %%), "
            "därför rekommenderas vårdgivare upphandlade av kommunen.",
            "Kommunen ansvarar för %(days)d av %(total)d vårddagar (%(percent)d %%), "
            "därför rekommenderas vårdgivare upphandlade av kommunen.",
            total,
        )
        % values
    )


def _days_sentence(
    authority: ProcuredBy, kv_days: int, kommun_days: int, transfer_known: bool
) -> str:
    """Rule 3: the split of the care days, without a recommendation."""
    total = kv_days + kommun_days
    if not transfer_known:
        return ngettext(
            "Datum då kommunen tar över är inte känt, så hela vårdtiden (%(total)d vårddag) "
            "räknas som Kriminalvårdens.",
            "Datum då kommunen tar över är inte känt, så hela vårdtiden (%(total)d vårddagar) "
            "räknas som Kriminalvårdens.",
            total,
        ) % {"total": total}
    if kv_days == kommun_days:
        return gettext(
            "Kriminalvården och kommunen ansvarar för lika många vårddagar (%(days)d var av "
            "%(total)d); vid lika fördelning gäller kommunen."
        ) % {"days": kv_days, "total": total}
    days = kv_days if authority == ProcuredBy.KRIMINALVARDEN else kommun_days
    values = {"days": days, "total": total, "percent": _percent(days, total)}
    if authority == ProcuredBy.KRIMINALVARDEN:
        return (
            ngettext(
                "Kriminalvården ansvarar för %(days)d av %(total)d vårddag (%(percent)d %%).",
                "Kriminalvården ansvarar för %(days)d av %(total)d vårddagar (%(percent)d %%).",
                total,
            )
            % values
        )
    return (
        ngettext(
            "Kommunen ansvarar för %(days)d av %(total)d vårddag (%(percent)d %%).",
            "Kommunen ansvarar för %(days)d av %(total)d vårddagar (%(percent)d %%).",
            total,
        )
        % values
    )


def _nothing_fits_sentence(authority: ProcuredBy, form_of_care: str | None) -> str:
    """Rule 3: no procured provider fits the period (and the form of care, if one was asked)."""
    if form_of_care is None:
        if authority == ProcuredBy.KRIMINALVARDEN:
            return gettext(
                "Ingen vårdgivare upphandlad av båda myndigheterna eller av Kriminalvården "
                "passar för hela vårdtiden."
            )
        return gettext(
            "Ingen vårdgivare upphandlad av båda myndigheterna eller av kommunen passar för "
            "hela vårdtiden."
        )
    values = {"form": FormOfCare(form_of_care).label}
    if authority == ProcuredBy.KRIMINALVARDEN:
        return (
            gettext(
                "Ingen vårdgivare med vårdformen ”%(form)s” upphandlad av båda myndigheterna eller "
                "av Kriminalvården passar för hela vårdtiden."
            )
            % values
        )
    return (
        gettext(
            "Ingen vårdgivare med vårdformen ”%(form)s” upphandlad av båda myndigheterna eller av "
            "kommunen passar för hela vårdtiden."
        )
        % values
    )
