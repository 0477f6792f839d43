"""The case page's faster rendering writes what the templates wrote (docs/performance.md, "Case
page"): the Python-rendered selects, text areas and date inputs and the
values-list choices are Django's own widgets, the timeline rows are the old template's, and the
page's query count does not grow with its data."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from cases import selectors
from cases.db import sorted_here
from cases.forms import (
    AssignHandlaggareForm,
    ConsentForm,
    PythonDateInput,
    PythonTextarea,
)
from cases.forms_care import (
    CareProviderChangeForm,
)
from cases.models import AuditEvent
from cases.presenters import timeline_rows
from cases.roles import Role
from cases.services.journal import attachment_add, note_add
from cases.views.detail import CASE_PAGE_EVENTS
from deviations.models import Deviation
from deviations.services import deviation_action_add, deviation_record_informed, deviation_report
from tests.cases.workflow_helpers import make_case, walk_kontraktsvard_to_enforcement
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"

# The page's queries in the test setting (a kontraktsvård in verkställighet seen by the kommun's
# socialsekreterare): the same for any amount of notes, attachments, deviations, events and
# caseworkers. The user's memberships are read once for the menu, the acting membership and the
# ansvarsförbindelse panel (selectors.load_memberships); the care process, the joint plan and
# the current vårdgivare come with the case (case_for_user(with_care=True)); the consents come
# with the organisations they cover, and the organisations whose shared journal the user reads
# come from them (selectors._own_or_shared_with); the forms' choices are read only when a form
# is opened (cases/form_panels.py).
QUERIES_CASE_PAGE = 18

OLD_TIMELINE = Template(
    "{% for event in timeline %}"
    '<time datetime="{{ event.created_at|date:\'c\' }}">{{ event.created_at|date:"Y-m-d H:i" }}'
    '</time><div>{{ event.message }}</div><div class="hint">{% if event.actor %}'
    "{{ event.actor.get_full_name }}{% endif %}{% if event.organisation %}, "
    "{{ event.organisation.short_name|default:event.organisation.name }}{% endif %}</div>"
    "{% endfor %}"
)
NEW_TIMELINE = Template(
    "{% for event in timeline %}"
    '<time datetime="{{ event.created_iso }}">{{ event.created }}</time>'
    '<div>{{ event.message }}</div><div class="hint">{{ event.who }}</div>'
    "{% endfor %}"
)


@pytest.mark.parametrize(
    "value", [None, "", "text", 'a & <b> "c"', mark_safe("<b>säker</b>"), date(2026, 1, 2), 7]
)
def test_python_widgets_write_the_django_widget_templates(value: Any) -> None:
    for attrs in ({"rows": 3}, {"rows": 2, "id": "id_x", "required": True, "disabled": False}):
        assert PythonTextarea(attrs=attrs).render("x", value) == forms.Textarea(attrs).render(
            "x", value
        )
    for attrs in (
        {"type": "date"},
        {"type": "date", "id": "x", "aria-describedby": "a&b", "title": mark_safe("<i>")},
    ):
        python = PythonDateInput(attrs=attrs, format="%Y-%m-%d")
        django = forms.DateInput(attrs=attrs, format="%Y-%m-%d")
        assert python.render("d", value, {"required": True}) == django.render(
            "d", value, {"required": True}
        )


def test_the_values_choice_fields_render_as_the_model_choice_fields(world: dict) -> None:
    MembershipFactory(  # no name: the username is the label
        organisation=world["kommun"],
        role=Role.SOCIALSEKRETERARE,
        user__first_name="",
        user__last_name="",
    )
    case = make_case(world, "kontraktsvard")
    for data in (None, {"handlaggare": str(world["users"]["soc"].pk), "parties": ["0"]}):
        assign = AssignHandlaggareForm(data, organisation=world["kommun"])
        plain = forms.ModelChoiceField(
            queryset=assign.fields["handlaggare"].queryset,  # type: ignore[attr-defined]
            required=False,
            empty_label="Ingen ansvarig",
        )
        value = data["handlaggare"] if data else None
        assert assign.fields["handlaggare"].widget.render("handlaggare", value) == (
            plain.widget.render("handlaggare", value)
        )
        consent = ConsentForm(data, case=case)
        parties = forms.ModelMultipleChoiceField(
            queryset=consent.fields["parties"].queryset,  # type: ignore[attr-defined]
            widget=forms.CheckboxSelectMultiple,
        )
        chosen = [str(world["kommun"].pk)]
        assert consent.fields["parties"].widget.render("parties", chosen) == (
            parties.widget.render("parties", chosen)
        )
    provider = CareProviderChangeForm(prefix="change_provider").fields["provider"]
    plain_provider = forms.ModelChoiceField(queryset=provider.queryset)  # type: ignore[attr-defined]
    chosen_provider = str(world["both"].pk)
    assert provider.widget.render("p", chosen_provider) == plain_provider.widget.render(
        "p", chosen_provider
    )
    # Validation still gives model instances.
    valid = AssignHandlaggareForm(
        {"handlaggare": str(world["users"]["soc"].pk)}, organisation=world["kommun"]
    )
    assert valid.is_valid() and valid.cleaned_data["handlaggare"] == world["users"]["soc"]


def test_timeline_rows_render_as_the_old_timeline(world: dict) -> None:
    case = make_case(world, "kontraktsvard")
    note_add(
        case_id=case.pk, actor=world["users"]["fi"], body="x", visibility="delad", corrects_id=None
    )
    AuditEvent.objects.create(
        case=case, actor=None, organisation=None, kind="x", message="<i>", shared=True
    )
    world["frivard"].short_name = "KVF"
    world["frivard"].save()
    user = world["users"]["fi"]
    case = selectors.case_for_user(user, case.pk)
    events = selectors.timeline_for(user, case)
    old = OLD_TIMELINE.render(Context({"timeline": events}))
    assert old == NEW_TIMELINE.render(Context({"timeline": timeline_rows(events)}))
    assert "&lt;i&gt;" in old and "KVF" in old


def _page_queries(client: Any, case: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def _one_more_of_each(world: dict, case: Any, n: int) -> None:
    """What the case page lists, one more of each, with every detail a row can show: a shared
    note and its correction, a shared attachment, a deviation the other party was told of with
    an action, and a colleague (the handläggare choices)."""
    soc, fi = world["users"]["soc"], world["users"]["fi"]
    note = note_add(
        case_id=case.pk, actor=soc, body=f"Anteckning {n}", visibility="delad", corrects_id=None
    )
    note_add(
        case_id=case.pk, actor=soc, body=f"Rättelse {n}", visibility="delad", corrects_id=note.pk
    )
    attachment_add(
        case_id=case.pk,
        actor=soc,
        visibility="delad",
        uploaded=SimpleUploadedFile(f"bilaga-{n}.pdf", PDF),
    )
    deviation = deviation_report(
        case_id=case.pk,
        actor=soc,
        kind="avvikit",
        severity="hog",
        occurred_on=timezone.localdate(),
        description=f"Avvikelse {n}",
        notify_other_party=False,
    )
    deviation_record_informed(
        deviation_id=deviation.pk, actor=fi, informed_at=timezone.now(), how="telefon"
    )
    deviation_action_add(
        deviation_id=deviation.pk,
        actor=soc,
        description=f"Åtgärd {n}",
        responsible=soc,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    MembershipFactory(organisation=world["kommun"], role=Role.SOCIALSEKRETERARE)


def test_the_case_page_query_count_is_constant(world: dict, client: Any) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    _one_more_of_each(world, case, 0)
    client.force_login(world["users"]["soc"])
    _page_queries(client, case)  # the first request of a session reads more (the session)
    first = _page_queries(client, case)
    for n in range(1, 4):
        _one_more_of_each(world, case, n)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    # Every row is there, with the details that come from related rows.
    page = response.content.decode()
    for text in ("Rättelse 3", "bilaga-3.pdf", "Avvikelse 3", "Åtgärd 3", "Rättelse av anteckning"):
        assert text in page
    assert f"<dd>{world['both'].name}, " in page  # the vårdgivare, read with the case
    # The parties a consent covers, by name, read with the consents.
    covered = sorted([world["kommun"].name, world["frivard"].name])
    assert f"<dt>Omfattar</dt><dd>{', '.join(covered)}</dd>" in page
    assert _page_queries(client, case) == first == QUERIES_CASE_PAGE


def test_the_short_lists_sorted_in_python_keep_the_database_order(world: dict) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    for n in range(3):
        _one_more_of_each(world, case, n)
    soc = world["users"]["soc"]
    viewer_case = selectors.case_for_user(soc, case.pk)
    for queryset in (
        selectors.notes_for(soc, viewer_case),
        selectors.attachments_for(soc, viewer_case),
        selectors.deadlines_for(viewer_case),
        Deviation.objects.filter(case=case),
    ):
        assert len(queryset) > 1
        assert sorted_here(queryset.all()) == list(queryset.all())
    with pytest.raises(ValueError):
        sorted_here(Deviation.objects.order_by("organisation__name"))


def _events_shown(html: str) -> list[str]:
    events = html.split('<div id="timeline-events">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<time datetime="[^"]+">', events)


def test_the_case_page_shows_the_newest_events_and_links_to_the_whole_timeline(
    world: dict, client: Any
) -> None:
    case = make_case(world, "kontraktsvard")
    walk_kontraktsvard_to_enforcement(world, case)
    for n in range(3):
        _one_more_of_each(world, case, n)
    client.force_login(world["users"]["soc"])
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    whole = client.get(reverse("cases:timeline", args=[case.pk])).content.decode()

    assert len(_events_shown(whole)) > CASE_PAGE_EVENTS
    assert _events_shown(page) == _events_shown(whole)[:CASE_PAGE_EVENTS]  # the newest first
    assert f'<a href="{reverse("cases:timeline", args=[case.pk])}">Visa hela tidslinjen</a>' in page
    assert f"De {CASE_PAGE_EVENTS} senaste händelserna visas." in page
    assert "Visa hela tidslinjen" not in whole
