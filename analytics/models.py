"""Models of the analytics app: the precomputed tables the dashboard reads.

The django-q2 schedule (`analytics.tasks.analytics_refresh`) computes every table
and stores it here already suppressed (core.suppression), so the dashboard
reads a few rows and no figure about fewer than five people is ever stored.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Population(models.TextChoices):
    """Real people and the synthetic demo population are counted apart, so that
    demo figures never mix with real ones."""

    REAL = "real", _("Real people")
    SYNTHETIC = "synthetic", _("Synthetic demo population")


class AnalyticsTable(models.Model):
    """One precomputed table of the needs analytics, for one population.

    `data` holds codes (regions, topics, months) and figures only, never a name:
    {"rows": [code, ...], "columns": [code, ...], "cells": [[int | float | None]],
    "count_columns", "row_totals", "column_totals"} (analytics.aggregates); hidden
    figures are null."""

    key = models.CharField(
        verbose_name=_("table"),
        max_length=60,
    )
    population = models.CharField(
        verbose_name=_("population"),
        max_length=20,
        choices=Population.choices,
        default=Population.REAL,
    )
    data = models.JSONField(
        verbose_name=_("figures"),
        default=dict,
    )
    computed_at = models.DateTimeField(
        verbose_name=_("computed at"),
    )

    class Meta:
        verbose_name = _("analytics table")
        verbose_name_plural = _("analytics tables")
        default_permissions = ()
        permissions = [("view_needs_analytics", "Can see the needs analytics")]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "population"],
                name="analytics_table_one_per_key_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.population})"
