"""The specialist's chart of WHO-5 scores over time, drawn on the server as SVG.

No JavaScript and no chart library: the geometry is computed here and the template
(wellbeing/includes/score_chart.html) writes the SVG. It must be readable without
colour: the 50 % threshold is a dashed line with its own label, an answer that
raised an alert is a square rather than a circle, and every point carries its
percentage as text. A table with the same rows sits beside it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import dates

from . import who5

WIDTH = 640
HEIGHT = 320
LEFT = 56
RIGHT = 96  # room for the threshold's label beside its line
TOP = 24
BOTTOM = 56
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    answered_at: datetime
    date_label: str
    raw_score: int
    percentage: int
    alerts: tuple[str, ...]
    notes: str

    @property
    def is_alert(self) -> bool:
        return bool(self.alerts)

    @property
    def label_dy(self) -> int:
        """Above the point, or below it at or under the threshold, so the label
        never sits on the dashed line."""
        return -14 if self.percentage > who5.THRESHOLD_PERCENT else 28

    @property
    def square_x(self) -> float:
        return round(self.x - 8, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - 8, 1)


@dataclass(frozen=True)
class ScoreChart:
    width: int
    height: int
    points: list[ChartPoint]
    polyline: str
    threshold_y: float
    gridlines: list[tuple[int, float]]
    plot_left: int
    axis_label_x: int
    plot_right: int
    threshold_label_x: int
    plot_top: int
    plot_bottom: int
    title: str
    description: str


def _y(percent: int) -> float:
    return round(TOP + PLOT_HEIGHT * (1 - percent / 100), 1)


def _x(index: int, count: int) -> float:
    if count == 1:
        return float(LEFT + PLOT_WIDTH / 2)
    return round(LEFT + PLOT_WIDTH * index / (count - 1), 1)


def alert_notes(alerts) -> str:
    """The alerts in words, for the table and the chart's description."""
    words = []
    if who5.ALERT_LOW in alerts:
        words.append(_("at or below the 50 % threshold"))
    if who5.ALERT_FALL in alerts:
        words.append(_("fell by 10 points or more"))
    return "; ".join(words)


def score_chart(checkins) -> ScoreChart | None:
    """The chart of these answered check-ins (in answer order), or None if none."""
    answered = [checkin for checkin in checkins if checkin.raw_score is not None]
    if not answered:
        return None
    points = []
    for index, checkin in enumerate(answered):
        local = timezone.localtime(checkin.answered_at)
        points.append(
            ChartPoint(
                x=_x(index, len(answered)),
                y=_y(checkin.percentage),
                answered_at=checkin.answered_at,
                date_label=formats.date_format(local, "j M"),
                raw_score=checkin.raw_score,
                percentage=checkin.percentage,
                alerts=tuple(checkin.alerts),
                notes=alert_notes(checkin.alerts),
            )
        )
    below = sum(1 for point in points if point.percentage <= who5.THRESHOLD_PERCENT)
    description = ngettext(
        "%(count)s answer, on %(first)s. Latest score %(latest)s %%. "
        "%(below)s at or below the 50 %% threshold.",
        "%(count)s answers from %(first)s to %(last)s. Latest score %(latest)s %%. "
        "%(below)s at or below the 50 %% threshold.",
        len(points),
    ) % {
        "count": len(points),
        "first": dates.day_month(points[0].answered_at),
        "last": dates.day_month(points[-1].answered_at),
        "latest": points[-1].percentage,
        "below": below,
    }
    return ScoreChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{point.x},{point.y}" for point in points),
        threshold_y=_y(who5.THRESHOLD_PERCENT),
        gridlines=[(percent, _y(percent)) for percent in (0, 25, 50, 75, 100)],
        plot_left=LEFT,
        axis_label_x=LEFT - 8,
        plot_right=WIDTH - RIGHT,
        threshold_label_x=WIDTH - RIGHT + 8,
        plot_top=TOP,
        plot_bottom=TOP + PLOT_HEIGHT,
        title=_("Wellbeing score over time (WHO-5, percent)"),
        description=description,
    )
