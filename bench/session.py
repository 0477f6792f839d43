"""`python -m bench.session`: print a session cookie for the bench caseworker, valid for the
production settings (two-factor required): a confirmed TOTP device is created for the user and
the session is marked verified with it, as after a real TOTP check. Used by
scripts/loadtest.sh so that wrk needs no login flow. Bench database only."""

from __future__ import annotations

import sys

from bench.main import configure


def main() -> int:
    configure()
    import django

    django.setup()
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.run import pick_subjects

    user = pick_subjects().caseworker
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    print(session.session_key)
    print(user.username, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
