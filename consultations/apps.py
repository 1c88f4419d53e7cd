"""App configuration for consultations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        """Answer for consultations' data where accounts, which imports no app
        above it, asks: a person's erasure (accounts/erasure.py) and her home role
        (accounts/homes.py)."""
        from accounts.erasure import account_erasing
        from accounts.homes import CLIENT, SPECIALIST_HOME, home_role_trace_register

        from . import selectors
        from .signals import consultations_erase, home_role_receivers_connect

        account_erasing.connect(
            consultations_erase, dispatch_uid="consultations.consultations_erase"
        )
        home_role_trace_register(
            name="consultations.specialist_profile",
            role=SPECIALIST_HOME,
            trace=selectors.specialist_profile_trace,
        )
        home_role_trace_register(
            name="consultations.booked",
            role=CLIENT,
            trace=selectors.client_booked_trace,
        )
        home_role_trace_register(
            name="consultations.consented",
            role=CLIENT,
            trace=selectors.client_consented_trace,
        )
        home_role_receivers_connect()
