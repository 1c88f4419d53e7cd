"""django-q2 schedules made idempotently: one `Schedule` row per name, created or
brought up to date (the `schedule_tasks` commands of each app call this)."""

from django_q.models import Schedule


def schedules_ensure(specs: list[dict], *, stdout) -> None:
    """`specs`: dicts of name, func (dotted path) and minutes between runs."""
    for spec in specs:
        _schedule, created = Schedule.objects.update_or_create(
            name=spec["name"],
            defaults={
                "func": spec["func"],
                "schedule_type": Schedule.MINUTES,
                "minutes": spec["minutes"],
                "repeats": -1,
            },
        )
        verb = "Created" if created else "Updated"
        stdout.write(f"{verb} '{spec['name']}': every {spec['minutes']} minutes.")
