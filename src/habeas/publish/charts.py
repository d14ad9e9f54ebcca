"""Inline SVG bar charts for the publication page: no script, no external file, nothing to fetch."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 18
GAP = 6
VALUE_ROOM = 60


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int | None]) -> Markup:
    """Horizontal bars, one per label; a suppressed value gets no bar and the word "suppressed"."""
    published = [v for v in values if v is not None]
    top = max(published, default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    height = len(labels) * (BAR_HEIGHT + GAP) + GAP
    rows = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        text_y = y + BAR_HEIGHT - 5
        rows.append(f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" class="label">{escape(label)}</text>')
        if value is None:
            rows.append(f'<text x="{LABEL_WIDTH + 4}" y="{text_y}" class="suppressed">suppressed</text>')
            continue
        length = round(span * value / top)
        rows.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" class="bar"/>')
        rows.append(f'<text x="{LABEL_WIDTH + length + 4}" y="{text_y}" class="value">{value}</text>')
    body = "\n  ".join(rows)
    return Markup(
        f'<svg role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}">\n  <title>{escape(title)}</title>\n  {body}\n</svg>'
    )
