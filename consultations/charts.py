"""Charts as SVG made on the server: no script, no external service, a table beside each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

# A narrow drawing, so labels stay readable when a phone scales it down to its width.
WIDTH = 420
BAR_AREA = 300
ROW = 52
MAX_COLUMN = 40


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    key: str = ""


def _value(bar: Bar) -> str:
    return f"{bar.count} ({bar.percent:g}%)"


def bar_chart(bars: list[Bar], *, title: str, chart_id: str, right_to_left: bool = False) -> str:
    """Horizontal bars, one per option, each labelled with its count and percentage.

    ``right_to_left`` mirrors the drawing for a right-to-left page (Urdu): labels on the
    right, bars growing leftwards, counts at their left. The labels are officers' words
    and the counts numbers, so each keeps reading left to right where it stands.
    """
    height = max(ROW, ROW * len(bars)) + 8
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, bar in enumerate(bars):
        y = i * ROW
        width = round(BAR_AREA * bar.percent / 100, 1)
        if right_to_left:
            track_x, bar_x = WIDTH - BAR_AREA, round(WIDTH - width, 1)
            label = f'x="{WIDTH}" y="{y + 17}" direction="ltr" text-anchor="end"'
            value = f'x="{WIDTH - BAR_AREA - 8}" y="{y + 41}" direction="ltr" text-anchor="end"'
        else:
            track_x, bar_x = 0, 0
            label = f'x="0" y="{y + 17}"'
            value = f'x="{BAR_AREA + 8}" y="{y + 41}"'
        parts.append(
            f'<g class="row" data-option="{escape(bar.key)}">'
            f'<text class="label" {label}>{escape(bar.label)}</text>'
            f'<rect class="track" x="{track_x}" y="{y + 25}" width="{BAR_AREA}" height="20" '
            'rx="3"/>'
            f'<rect class="bar" x="{bar_x}" y="{y + 25}" width="{width}" height="20" rx="3"/>'
            f'<text class="value" {value}>{escape(_value(bar))}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def day_chart(days: list[tuple[date, int]], *, title: str, chart_id: str) -> str:
    """Answers per day as columns, with the first and last dates underneath."""
    height, top, base = 180, 10, 150
    peak = max((n for _, n in days), default=0) or 1
    step = WIDTH / max(1, len(days))
    column = min(step * 0.7, MAX_COLUMN)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line class="axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"/>',
    ]
    for i, (_day, count) in enumerate(days):
        h = round((base - top) * count / peak, 1)
        parts.append(
            f'<rect class="bar" x="{round(i * step + (step - column) / 2, 1)}" y="{base - h}" '
            f'width="{round(column, 1)}" height="{h}"/>'
        )
    if days:
        parts.append(f'<text class="label" x="0" y="{base + 20}">{days[0][0]:%d %b}</text>')
        parts.append(
            f'<text class="label" x="{WIDTH}" y="{base + 20}" text-anchor="end">'
            f"{days[-1][0]:%d %b}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
