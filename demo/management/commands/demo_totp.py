"""Print the authenticator code the demo staff need now (docs/security.md).

The demo staff share one authenticator key (`demo.people.DEMO_TOTP_SECRET`);
this saves a phone during a demo. Refused by production settings.
"""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.people import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo staff's current authenticator code."

    def handle(self, *args, **options):
        if not getattr(settings, "KOMAK_DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is refused by these settings (production).")
        now = int(time.time())
        period = mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period))
        valid_for = period - now % period + period * mfa_settings.TOTP_TOLERANCE
        self.stdout.write(f"{code}  (valid for about {valid_for} s)")
