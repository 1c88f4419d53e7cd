"""Demo data for consultations, called by `seed_demo`."""


def seed_consultations(users: dict) -> None:
    """Filled in by the booking work: availability, bookings and consent for the demo."""
