"""Writes of the needs analytics: computing every table and storing it."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .aggregates import tables_compute
from .models import AnalyticsTable, Population
from .sources import SYNTHETIC_PHONE_PREFIX


def _has_synthetic_people() -> bool:
    return (
        get_user_model()
        .objects.filter(phone_number__startswith=SYNTHETIC_PHONE_PREFIX)
        .exists()
    )


def analytics_tables_refresh(*, now=None) -> int:
    """Compute every table for real people (and for the synthetic demo population,
    if there is one) and replace the stored ones; tables whose source has gone are
    removed. Returns the number of tables stored."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    populations = [Population.REAL]
    if _has_synthetic_people():
        populations.append(Population.SYNTHETIC)
    computed = {
        population: tables_compute(population=population, today=today)
        for population in populations
    }
    stored = 0
    with transaction.atomic():
        AnalyticsTable.objects.exclude(population__in=populations).delete()
        for population, tables in computed.items():
            AnalyticsTable.objects.filter(population=population).exclude(
                key__in=list(tables)
            ).delete()
            for key, data in tables.items():
                AnalyticsTable.objects.update_or_create(
                    key=key,
                    population=population,
                    defaults={"data": data, "computed_at": now},
                )
                stored += 1
    return stored
