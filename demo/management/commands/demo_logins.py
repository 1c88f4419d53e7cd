"""Print the demo logins and the address `make run` serves on."""

import os

from django.core.management.base import BaseCommand

from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins and the site address."

    def handle(self, *args, **options):
        port = os.environ.get("PORT", "8000")
        lines = [
            "",
            f"Ko'mak is starting on http://127.0.0.1:{port}/",
            f"Wagtail admin: http://127.0.0.1:{port}/admin/",
            f"Demo logins (password for all: {DEMO_PASSWORD}):",
        ]
        for spec in DEMO_USERS:
            lines.append(
                f"  {spec['username']:<13} {spec['full_name']:<18} {spec['what']}"
            )
        lines.append(f"  {'admin':<13} {'(superuser)':<18} everything in the admin")
        lines.append(
            "Staff (trainer, specialist, coordinator, admin) also enter a code from an "
            "authenticator app:"
        )
        lines.append(
            f"  key {DEMO_TOTP_SECRET}, or the current code: "
            ".venv/bin/python manage.py demo_totp"
        )
        lines.append("Press Ctrl-C to stop.")
        lines.append("")
        self.stdout.write("\n".join(lines))
