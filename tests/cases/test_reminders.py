"""Deadline reminders: never twice, never missed (issue 6).

The integration tests run the real thing: a Celery worker on the configured Redis broker,
PostgreSQL with real transactions, and the locmem e-mail backend. Time is moved with
time-machine, never waited for. The worker consumes a queue of its own, so that another test
run or a `make demo` worker on the same Redis can never take these tasks (or give us theirs).
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AuditEvent,
    Deadline,
    DeadlineChange,
    DeadlineKind,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderKindSetting,
    ReminderOffset,
)
from cases.reminder_messages import ReminderFacts, reminder_email
from cases.services.deadlines import deadline_close
from cases.services.reminders import ReminderBusy, _facts, reminders_create_due
from cases.tasks import deliver_reminder, send_daily_digests, sweep_deadlines
from config.celery import app
from tests.cases.deadline_world import World, build_world
from tests.factories import ClientFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = date(2026, 3, 10)


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages: object) -> int:
        raise smtplib.SMTPException("421 Service not available")


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real worker in this process, on a private queue of the real broker. Retries wait 0 s
    (the backoff is Celery's; waiting minutes for it proves nothing)."""
    queue = f"brygga-test-{os.environ.get('BRYGGA_TEST_DB_SUFFIX', 'x')}-{uuid.uuid4().hex[:8]}"
    # The worker narrows the app's shared queue selection to ours; put it back afterwards.
    # (Read the queues before changing the default: they are built once, from the default.)
    queues = app.amqp.queues
    monkeypatch.setattr(queues, "_consume_from", queues._consume_from)
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    monkeypatch.setattr("celery.app.autoretry.get_exponential_backoff_interval", lambda **kwargs: 0)
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ):
        yield queue
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(queue)  # leave nothing behind on the shared broker


def drain(queue: str, timeout: float = 30) -> None:
    """Wait until the worker has taken every message of the queue and finished it."""
    limit = time.monotonic() + timeout
    with app.connection_for_read() as conn:
        while time.monotonic() < limit:
            waiting = conn.default_channel.client.llen(queue)  # the broker is Redis
            if (
                not waiting
                and not worker_state.active_requests
                and not worker_state.reserved_requests
            ):
                return
            time.sleep(0.05)
    raise AssertionError("the worker did not finish the queued tasks in time")


def settle(timeout: float = 30) -> None:
    """Wait until the worker has handled every reminder (none still waiting for delivery)."""
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if not Reminder.objects.filter(status=Reminder.Status.PENDING).exists():
            return
        time.sleep(0.05)
    waiting = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING).values_list("pk", "queued_at")
    )
    raise AssertionError(
        f"the worker did not deliver the reminders in time: {waiting}, "
        f"active {worker_state.active_requests}, reserved {worker_state.reserved_requests}, "
        f"queue {app.conf.task_default_queue}, "
        f"waiting {_llen(app.conf.task_default_queue)}"
    )


def _llen(queue: str) -> object:
    with app.connection_for_read() as conn:
        client = conn.default_channel.client
        return client.llen(queue), client.hlen("unacked"), client.zcard("unacked_index")


def keys() -> Counter[tuple[int, int, str]]:
    return Counter(Reminder.objects.values_list("deadline_id", "recipient_id", "kind"))


def emails_by_recipient_and_subject() -> Counter[tuple[str, str]]:
    return Counter((message.to[0], message.subject) for message in mail.outbox)


# --- The rule itself (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (10, None),  # no offset's day has come
        (7, "before:7"),
        (5, "before:7"),  # created late: the only reminder whose day has come
        (3, "before:3"),
        (2, "before:3"),  # the "3 days" day was missed (downtime): still sent, once
        (1, "before:1"),
        (0, "before:1"),  # due today: the most urgent is never skipped
        (-1, "overdue"),
        (-30, "overdue"),
    ],
)
def test_the_rule_picks_the_most_urgent_reminder_whose_day_has_come(due_in, expected) -> None:
    from cases.reminders import due_reminder

    due = due_reminder(due_date=days(due_in), today=TODAY, offsets={7, 3, 1})
    assert (due.kind if due else None) == expected


# --- Integration: a real worker, real Redis, real PostgreSQL --------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sweep_run_twice_sends_each_due_reminder_once(world: World, worker: None) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        soon = world.deadline(days(3))
        week = world.deadline(days(7))
        world.deadline(days(20))  # nothing due yet

        first = sweep_deadlines()
        settle()
        second = sweep_deadlines()
        settle()

    assert first["queued"] == 2 and second["queued"] == 0
    assert keys() == {
        (soon.pk, world.soc.pk, "before:3"): 1,
        (week.pk, world.soc.pk, "before:7"): 1,
    }
    assert set(Reminder.objects.values_list("status", flat=True)) == {"skickad"}
    assert sorted(message.subject for message in mail.outbox) == sorted(
        [
            f"Brygga: påminnelse om frist i {soon.case.reference}",
            f"Brygga: påminnelse om frist i {week.case.reference}",
        ]
    )
    assert Notification.objects.filter(recipient=world.soc).count() == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_and_duplicate_deliveries_still_send_once(
    world: World, worker: str
) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        deadlines = [world.deadline(days(n)) for n in (-2, -1, 0, 1, 2, 3, 5, 7) for _ in (1, 2)]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(target: object) -> None:
            try:
                barrier.wait()
                target()  # type: ignore[operator]
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(sweep_deadlines,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        settle()

        # A retry or a second worker delivering the same reminders again: queued twice more
        # through the worker, and twice at once from two threads here.
        ids = list(Reminder.objects.values_list("pk", flat=True))
        for reminder_id in ids:
            deliver_reminder.delay(reminder_id)
            deliver_reminder.delay(reminder_id)

        def deliver_all() -> None:
            for reminder_id in ids:
                # ReminderBusy: the other thread holds the row this very moment.
                with contextlib.suppress(ReminderBusy):
                    deliver_reminder(reminder_id)

        threads = [threading.Thread(target=run, args=(deliver_all,)) for _ in range(2)]
        barrier.reset()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        drain(worker)  # the duplicate deliveries queued above, all handled

    # 4 overdue deadlines reach the handläggare and the chef; 12 others the handläggare.
    assert len(ids) == 4 * 2 + 12
    assert set(keys().values()) == {1}
    assert set(emails_by_recipient_and_subject().values()) == {1}
    assert len(mail.outbox) == len(ids)
    assert Notification.objects.count() == len(ids)
    assert Deadline.objects.filter(status="forsenad").count() == 4
    assert DeadlineChange.objects.filter(change="forsenad").count() == 4
    assert {d.pk for d in deadlines} >= set(Reminder.objects.values_list("deadline_id", flat=True))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_meets_a_locked_row_tries_again_instead_of_dropping_it(
    world: World, worker: str
) -> None:
    world.deadline(timezone.localdate() + timedelta(days=1))
    reminders_create_due(today=timezone.localdate())
    reminder = Reminder.objects.get()
    locked, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:  # e.g. a sweep claiming rows at that moment
        try:
            with transaction.atomic():
                Reminder.objects.select_for_update().get(pk=reminder.pk)
                locked.set()
                release.wait(15)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(5)
    deliver_reminder.delay(reminder.pk)
    time.sleep(1.5)  # the worker meets the lock
    assert Reminder.objects.get().status == Reminder.Status.PENDING
    release.set()
    holder.join()
    settle()

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("skickad", 1)
    assert len(mail.outbox) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_after_a_two_day_outage_the_missed_reminders_follow_the_documented_rule(
    world: World, worker: None
) -> None:
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        a = world.deadline(days(5))  # its "3 days" falls in the outage, due date does not
        b = world.deadline(days(2))  # due date passes during the outage
        c = world.deadline(days(7))  # nothing new falls in the outage
        d = world.deadline(days(4))  # "3 days" in the outage, "1 day" on the day we are back
        sweep_deadlines()
        settle()
        sent_before_outage = len(mail.outbox)

        # Down on 11 and 12 March: no sweep at all. Back on 13 March; beat runs twice.
        traveller.move_to(at(days(3)))
        sweep_deadlines()
        settle()
        sweep_deadlines()
        settle()

    soc, chef = world.soc.pk, world.chef.pk
    assert keys() == {
        (a.pk, soc, "before:7"): 1,
        (a.pk, soc, "before:3"): 1,  # missed during the outage, deadline not passed: sent
        (b.pk, soc, "before:3"): 1,
        (b.pk, soc, "overdue"): 1,  # passed during the outage: overdue, no "before:1"
        (b.pk, chef, "overdue"): 1,
        (c.pk, soc, "before:7"): 1,
        (d.pk, soc, "before:7"): 1,
        (d.pk, soc, "before:1"): 1,  # the most urgent; the missed "before:3" is superseded
    }
    assert sent_before_outage == 4
    # One e-mail per reminder row, each sent once.
    assert len(mail.outbox) == 8
    assert set(Reminder.objects.values_list("status", "attempts")) == {("skickad", 1)}
    assert Reminder.objects.get(deadline=b, recipient=world.chef).due_on == days(3)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_overdue_deadline_reaches_the_chef_and_is_marked_forsenad(
    world: World, worker: None
) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        passed = world.deadline(days(-1))
        sweep_deadlines()
        settle()
        sweep_deadlines()
        settle()

    passed.refresh_from_db()
    assert passed.status == Deadline.Status.OVERDUE
    assert list(passed.changes.values_list("change", flat=True)) == ["skapad", "forsenad"]
    assert AuditEvent.objects.filter(kind="deadline_overdue", case=passed.case).count() == 1
    reference = passed.case.reference
    assert emails_by_recipient_and_subject() == {
        (world.soc.email, f"Brygga: försenad frist i {reference}"): 1,
        (world.chef.email, f"Brygga: försenad frist i {reference}"): 1,
    }
    assert Notification.objects.get(recipient=world.chef).message == (
        f"Fristen Yttrande (personutredning) till domstolen i {reference} passerade "
        f"{days(-1):%Y-%m-%d} och är försenad."
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_closed_deadlines_get_no_reminders(world: World, worker: None) -> None:
    def close(deadline: Deadline, *, cancelled: bool = False) -> None:
        with transaction.atomic():
            deadline_close(
                case=deadline.case, kind=deadline.kind, actor=world.soc, cancelled=cancelled
            )

    with time_machine.travel(at(TODAY), tick=False):
        close(world.deadline(days(1)))  # klar
        close(world.deadline(days(-3)), cancelled=True)  # makulerad, though passed
        sweep_deadlines()
        settle()
        assert not Reminder.objects.exists()

        # Planned by one sweep, met before its delivery ran: delivery finds it closed.
        met_meanwhile = world.deadline(days(3))
        reminders_create_due(today=TODAY)
        close(met_meanwhile)
        sweep_deadlines()
        settle()

    assert list(Reminder.objects.values_list("deadline_id", "status")) == [
        (met_meanwhile.pk, "inaktuell")
    ]
    assert mail.outbox == []
    assert Notification.objects.count() == 0
    assert not DeadlineChange.objects.filter(change="forsenad").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_final_smtp_failure_is_recorded_and_listed_in_the_admin(
    world: World, worker: None, settings: object, django_user_model: object
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"  # type: ignore[attr-defined]
    with time_machine.travel(at(TODAY), tick=False):
        deadline = world.deadline(days(1))
        sweep_deadlines()
        settle()

    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.failed_at is not None
    assert reminder.attempts == 6  # the first try and 5 retries
    assert reminder.last_error == "SMTPException"
    assert reminder.sent_at is None
    # The in-app notification does not depend on the mail server.
    assert Notification.objects.filter(recipient=world.soc, reminder=reminder).count() == 1

    admin = django_user_model.objects.create_superuser("admin", "admin@example.invalid", "x")  # type: ignore[attr-defined]
    client = HttpClient()
    client.force_login(admin)
    response = client.get(reverse("admin:cases_reminder_changelist") + "?misslyckade=ja")
    assert response.status_code == 200
    page = response.content.decode()
    assert deadline.case.reference in page
    assert "SMTPException" in page
    assert "Misslyckad" in page
    detail = client.get(reverse("admin:cases_reminder_change", args=[reminder.pk]))
    assert detail.status_code == 200
    assert "Hemligsson" not in detail.content.decode()
    # Where the systemförvaltare changes the offsets, without a deploy.
    offsets = client.get(reverse("admin:cases_reminderoffset_changelist"))
    assert offsets.status_code == 200


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_changed_offsets_in_the_database_change_the_next_sweep(world: World, worker: None) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        ten_days = world.deadline(days(10))
        tomorrow = world.deadline(days(1), kind=DeadlineKind.GEMENSAM_PLAN)
        ReminderOffset.objects.filter(kind=DeadlineKind.GEMENSAM_PLAN).update(active=False)
        sweep_deadlines()
        settle()
        assert keys() == {}

        # The systemförvaltare adds "10 days before" for yttranden in the admin.
        ReminderOffset.objects.create(kind=DeadlineKind.YTTRANDE, days_before=10)
        sweep_deadlines()
        settle()

    assert keys() == {(ten_days.pk, world.soc.pk, "before:10"): 1}
    assert not Reminder.objects.filter(deadline=tomorrow).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_chef_setting_off_keeps_the_overdue_reminder_with_the_handlaggare(
    world: World, worker: None
) -> None:
    ReminderKindSetting.objects.filter(kind=DeadlineKind.YTTRANDE).update(overdue_to_chef=False)
    with time_machine.travel(at(TODAY), tick=False):
        world.deadline(days(-1))
        sweep_deadlines()
        settle()
    assert list(Reminder.objects.values_list("recipient_id", "kind")) == [(world.soc.pk, "overdue")]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_digest_users_get_one_morning_email_listing_the_case_references(
    world: World, worker: str
) -> None:
    NotificationPreference.objects.create(user=world.soc, daily_digest=True)
    with time_machine.travel(at(TODAY), tick=False):
        first = world.deadline(days(1))
        second = world.deadline(days(3))
        sweep_deadlines()
        settle()
        assert mail.outbox == []  # nothing until the digest
        assert Notification.objects.filter(recipient=world.soc).count() == 2

        assert send_daily_digests() == 1
        limit = time.monotonic() + 20
        while Reminder.objects.filter(status="sammanfattning").exists():
            assert time.monotonic() < limit
            time.sleep(0.05)
        send_daily_digests()  # a second run finds nothing left
        drain(worker)

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Brygga: dagens påminnelser om frister"
    assert first.case.reference in body and second.case.reference in body
    assert set(Reminder.objects.values_list("status", "channel")) == {("skickad", "sammanfattning")}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_moved_deadline_is_reminded_again_for_its_new_date(world: World, worker: None) -> None:
    from cases.services.deadlines import deadline_extend

    with time_machine.travel(at(TODAY), tick=False) as traveller:
        deadline = world.deadline(days(1))
        sweep_deadlines()
        settle()
        # The court extends the time for the yttrande by a week.
        deadline_extend(
            deadline_id=deadline.pk,
            actor=world.soc,
            new_due_date=days(8),
            reason="Tingsrätten förlängde tiden.",
        )
        traveller.move_to(at(days(7)))
        sweep_deadlines()
        settle()

    assert list(Reminder.objects.order_by("due_on").values_list("kind", "due_on")) == [
        ("before:1", days(0)),
        ("before:1", days(7)),
    ]
    assert len(mail.outbox) == 2


# --- No personal data in e-mail ----------------------------------------------------------------


@pytest.mark.django_db
def test_reminder_email_holds_the_case_reference_and_link_but_no_name_or_personnummer(
    world: World,
) -> None:
    client = ClientFactory(first_name="Zlatan", last_name="Identifierbarsson")
    case = world.case(client=client)
    deadline = world.deadline(days(3), case=case)
    reminder = Reminder.objects.create(
        deadline=deadline, recipient=world.soc, kind="before:3", due_on=TODAY
    )
    identity = client.identity

    for overdue in (False, True):
        facts = _facts(reminder)
        email = reminder_email(
            ReminderFacts(**{**facts.__dict__, "overdue": overdue})  # both variants
        )
        text = f"{email.subject}\n{email.body}"
        assert case.reference in email.subject
        assert f"/arenden/{case.pk}/" in email.body
        for secret in (
            client.first_name,
            client.last_name,
            client.id_number,
            identity.formatted,
            identity.formatted.replace("-", ""),
            client.id_number[2:],
            deadline.label if deadline.label != deadline.get_kind_display() else "\x00",
            world.soc.last_name,
        ):
            assert secret not in text


# --- Settings -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DeadlineKind.values)
def test_every_kind_of_deadline_is_reminded_7_3_and_1_days_before_and_the_chef_when_overdue(
    world: World, kind: str
) -> None:
    from cases.services.reminders import reminder_settings

    config = reminder_settings()
    assert config.offsets_for(kind) == {7, 3, 1}
    assert kind not in config.no_chef_kinds


def test_beat_runs_the_sweep_every_15_minutes_and_the_digest_at_five_past_six() -> None:
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    sweep = schedule["deadline-sweep"]["schedule"]
    digest = schedule["deadline-digest"]["schedule"]
    assert schedule["deadline-sweep"]["task"] == "cases.tasks.sweep_deadlines"
    assert sweep.minute == {0, 15, 30, 45} and 6 in sweep.hour  # 06:00 sharp included
    assert schedule["deadline-digest"]["task"] == "cases.tasks.send_daily_digests"
    assert (digest.hour, digest.minute) == ({6}, {5})
    assert "worker-heartbeat" in schedule
    assert settings.CELERY_TIMEZONE == "Europe/Stockholm"
