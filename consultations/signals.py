"""Signal receivers of the consultations app, connected in `ConsultationsConfig.ready`:
a person's consultations when her account is erased (accounts/erasure.py), and her
cached home role when a booking, a consent or a specialist profile of hers changes
(accounts/homes.py). accounts stands below consultations and imports nothing of it,
so consultations answers for its own data here."""

from django.db.models.signals import post_delete, post_save

from accounts.homes import home_role_forget

# Her consent records outlive the account: the proof of what she agreed to and when,
# pointing at the emptied account (accounts.services.user_account_delete).
KEPT_ON_ERASURE = {"consultations.ConsentRecord"}


def consultations_erase(sender, user, request=None, **kwargs) -> set[str]:
    """`account_erasing`: consent withdrawn (the records kept), her bookings
    anonymised (topic, pre-call results and notes gone; upcoming ones cancelled)."""
    from .models import Booking
    from .services import bookings_anonymise, consent_withdraw

    consent_withdraw(user=user, request=request)
    bookings_anonymise(bookings=Booking.objects.filter(client=user))
    return KEPT_ON_ERASURE


# What decides a person's home role beyond her groups (the traces registered in
# ConsultationsConfig.ready), and the field naming her on each model.
ROLE_DECIDING = (
    ("consultations.Booking", "client_id"),
    ("consultations.ConsentRecord", "user_id"),
    ("consultations.SpecialistProfile", "user_id"),
)


def _home_role_forget_for(field: str):
    def receiver_(sender, instance, **kwargs):
        user_id = getattr(instance, field, None)
        if user_id is not None:
            home_role_forget(user_id=user_id)

    return receiver_


def home_role_receivers_connect() -> None:
    """Each saved or deleted row of `ROLE_DECIDING` forgets its person's cached
    role."""
    for label, field in ROLE_DECIDING:
        forget = _home_role_forget_for(field)
        post_save.connect(
            forget, sender=label, weak=False, dispatch_uid=f"role:{label}"
        )
        post_delete.connect(
            forget, sender=label, weak=False, dispatch_uid=f"role-del:{label}"
        )
