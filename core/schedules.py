"""django-q2 schedules, declared by each app and made idempotently by one command.

An app lists its periodic tasks in `<app>/schedules.py` as `SCHEDULES`, a list of
dicts:

    name        unique label, the key of the `Schedule` row (it appears in the admin)
    func        dotted path of the task
    minutes     minutes between runs, or the name of a setting that holds them
    enabled_by  optional: the name of a setting; while it is off the row is removed,
                so a database that once had the schedule stops running it

`manage.py schedule_tasks` (core/management/commands/schedule_tasks.py) collects
every installed app's list and brings the rows up to date by name: running it again
changes nothing, a changed spec updates its row in place. Schedules are rows in the
database, so every task cluster sees the same ones.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule
from django_q.models import Schedule


def schedules_declared() -> list[dict]:
    """Every installed app's `SCHEDULES`, in INSTALLED_APPS order."""
    specs: list[dict] = []
    for app_config in apps.get_app_configs():
        if not module_has_submodule(app_config.module, "schedules"):
            continue
        module = import_module(f"{app_config.name}.schedules")
        specs.extend(getattr(module, "SCHEDULES", ()))
    names = [spec["name"] for spec in specs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        # Two specs with one name would overwrite each other's row on every run.
        raise ImproperlyConfigured(f"Schedules declared twice: {', '.join(repeated)}")
    return specs


def schedule_minutes(spec: dict) -> int:
    minutes = spec["minutes"]
    if isinstance(minutes, str):
        # Read when the command runs, not when the module is imported, so that a
        # changed setting (or a test's override) is what gets scheduled.
        return int(getattr(settings, minutes))
    return minutes


def schedules_ensure(specs: list[dict], *, stdout) -> None:
    """Create, update or (for a spec switched off) remove one row per spec."""
    for spec in specs:
        name = spec["name"]
        enabled_by = spec.get("enabled_by")
        if enabled_by and not getattr(settings, enabled_by):
            deleted, _ = Schedule.objects.filter(name=name).delete()
            if deleted:
                stdout.write(f"Removed '{name}' ({enabled_by} is off).")
            continue
        wanted = {
            "func": spec["func"],
            "schedule_type": Schedule.MINUTES,
            "minutes": schedule_minutes(spec),
            "repeats": -1,
        }
        schedule = Schedule.objects.filter(name=name).first()
        if schedule is None:
            Schedule.objects.create(name=name, **wanted)
            stdout.write(f"Created '{name}': every {wanted['minutes']} minutes.")
            continue
        changed = {
            field: value
            for field, value in wanted.items()
            if getattr(schedule, field) != value
        }
        if not changed:
            continue
        for field, value in changed.items():
            setattr(schedule, field, value)
        schedule.save(update_fields=list(changed))
        stdout.write(f"Updated '{name}': every {wanted['minutes']} minutes.")
