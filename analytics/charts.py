"""Server-rendered SVG bar charts for the needs analytics: no JavaScript, a title
and a description for screen readers, every value written beside its bar so that
nothing depends on colour, and hidden figures said in words instead of drawn."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 90
BAR_HEIGHT = 26
GAP = 10
TOP = 8


def _value_text(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def bar_chart(
    *, chart_id: str, title: str, description: str, bars: list[tuple[str, object]]
) -> SafeString:
    """Horizontal bars, one per (label, value); a None value is written "hidden".

    Bars are scaled to the largest value shown; a hidden value draws no bar, so its
    size cannot be read from the picture either."""
    shown = [value for _label, value in bars if value is not None]
    largest = max(shown, default=0) or 1
    bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    parts = []
    for index, (label, value) in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT * 0.7
        if value is None:
            length, text = 0, _("hidden")
        else:
            length, text = round(bar_room * value / largest), _value_text(value)
        parts.append(
            (
                LABEL_WIDTH - 8,
                text_y,
                label,
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                text_y,
                text,
            )
        )
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="analytics-chart__label">{}'
        "</text>"
        '<rect x="{}" y="{}" width="{}" height="{}" class="analytics-chart__bar"/>'
        '<text x="{}" y="{}" class="analytics-chart__value">{}</text>',
        parts,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="analytics-chart" '
        'viewBox="0 0 {width} {height}" width="100%" role="img" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description}</desc>{rows}</svg>',
        width=WIDTH,
        height=height,
        id=chart_id,
        title=title,
        description=description,
        rows=rows,
    )
