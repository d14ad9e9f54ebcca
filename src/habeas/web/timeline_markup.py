"""The SVG markup of a timeline drawing (timeline_svg.py's geometry), written in Python for the person page.

A template macro spent more time on the two drawings of a person page (the wide one and the
phone's) than on the rest of the page: every coordinate went through Jinja's calls and
escaping. Here numbers are written as they are and every text is escaped once.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from habeas.web.i18n import N_, Language
from habeas.web.labels import label
from habeas.web.timeline_svg import Band, Drawing, Mark

_HATCH = (
    '<defs>\n<pattern id="hatch-{size}" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)">\n<rect width="6" height="6" fill="#ffffff"/>\n'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#6b6b6b" stroke-width="2.5"/>\n</pattern>\n</defs>\n'
)
# The words of the drawing, marked for the catalogs (translated as each page is written).
_ROW_NAMES = {
    "custody": N_("Custody"),
    "proceedings": N_("Proceedings"),
    "contact": N_("Contact, proof of life"),
    "other": N_("Allegations, checks"),
}
_DESCRIPTION = N_(
    "Custody as coloured bands by country; proceedings, contacts and allegations as marks; uncertain dates "
    "as ranges. The list of events below gives the same facts as text."
)
_TITLE = N_("Timeline of %(name)s")
_SINCE = N_("since")


def _said(lang: Language, message: str) -> str:
    """A message of the page in ``lang``, as the templates' ``_()`` gives it (``%%`` written once)."""
    return str(escape(Markup(lang.gettext(message)) % {}))


def timeline_svg(drawing: Drawing, size: str, lang: Language, name: str) -> Markup:
    """The drawing as an ``<svg>`` element, ``size`` naming its ids ("wide", "phone"); ``name`` is whose timeline."""
    d = drawing
    title = Markup(lang.gettext(_TITLE)) % {"name": name}
    out = [
        f'<svg class="timeline-svg timeline-{size}" viewBox="0 0 {d.width} {d.height}" width="{d.width}" '
        f'height="{d.height}" role="group"\n     aria-labelledby="timeline-title-{size}" '
        f'aria-describedby="timeline-desc-{size}" xmlns="http://www.w3.org/2000/svg" font-family="inherit">\n'
        f'<title id="timeline-title-{size}">{title}</title>\n'
        f'<desc id="timeline-desc-{size}">{_said(lang, _DESCRIPTION)}</desc>\n',
        _HATCH.format(size=size),
    ]
    layout = d.layout
    anchor = "start" if layout.label_above else "end"
    for index, (row, y) in enumerate(d.rows, start=1):
        out.append(
            f'<rect x="0" y="{y - (layout.row_height + layout.label_room) / 2}" width="{d.width}" '
            f'height="{layout.row_height}" fill="{"#f6f7f9" if index % 2 else "#ffffff"}"/>\n'
            f'<text x="{d.label_x}" y="{d.label_y(y)}" text-anchor="{anchor}" class="row-label" font-size="13" '
            f'fill="#2b2f36" stroke="#ffffff" stroke-width="4" paint-order="stroke">'
            f"{_said(lang, _ROW_NAMES[row])}</text>\n"
        )
    for tick in d.ticks:
        out.append(
            f'<line x1="{tick.x}" x2="{tick.x}" y1="{d.band_y - 6}" y2="{d.axis_y + (6 if tick.label else 3)}" '
            f'stroke="{"#c9ced6" if tick.label else "#e3e6eb"}" stroke-width="1"/>\n'
        )
        if tick.label:
            where = "start" if tick.x < 36 else ("end" if tick.x > d.width - 36 else "middle")
            out.append(
                f'<text x="{tick.x}" y="{d.axis_y + 20}" text-anchor="{where}" font-size="12" fill="#4a5160">'
                f"{escape(lang.day(tick.day, d.tick_format))}</text>\n"
            )
    out.append(
        f'<line x1="{d.plot_x}" x2="{d.width - 24}" y1="{d.axis_y}" y2="{d.axis_y}" stroke="#8a919e" '
        'stroke-width="1"/>\n'
    )
    out.extend(_band(d, band, size, lang) for band in d.bands)
    if d.alive_x is not None and d.alive_x < d.as_of_x:
        cy = d.rows[2][1]
        out.append(
            f'<line x1="{d.alive_x}" x2="{d.as_of_x}" y1="{cy}" y2="{cy}" stroke="#b3261e" stroke-width="2" '
            'stroke-dasharray="5 4"/>\n'
        )
    out.extend(_mark(d, mark, lang) for mark in d.marks)
    anchor = "end" if d.as_of_x > d.width - 40 else "middle"
    out.append(
        f'<line x1="{d.as_of_x}" x2="{d.as_of_x}" y1="{d.band_y - 10}" y2="{d.axis_y}" stroke="#1d232b" '
        f'stroke-width="2"/>\n<text x="{d.as_of_x}" y="20" text-anchor="{anchor}" '
        f'font-size="11" font-weight="600" fill="#1d232b">{escape(lang.day(d.as_of, "medium"))}</text>\n</svg>\n'
    )
    return Markup("".join(out))


def _band(d: Drawing, band: Band, size: str, lang: Language) -> str:
    custody = lang.gettext(label("custody", band.custody))
    country = lang.locale.territories.get(band.country, band.country) if band.country else None
    title = custody + (f" · {country}" if country else "") + (f" · {band.facility}" if band.facility else "")
    title += f" · {lang.gettext(_SINCE)} {lang.range(band.since)}"
    out = [f'<a href="#event-{escape(band.event)}">\n<title>{escape(title)}</title>\n']
    if band.fuzz_width > 0:
        out.append(
            f'<rect x="{band.fuzz_x}" y="{d.band_y}" width="{band.fuzz_width}" height="{d.band_height}" '
            f'fill="url(#hatch-{size})" stroke="{band.colour}" stroke-width="1"/>\n'
        )
    out.append(
        f'<rect x="{band.x}" y="{d.band_y}" width="{max(band.width, 1)}" height="{d.band_height}" rx="2" '
        f'fill="{band.colour}" fill-opacity="{0.35 if band.faint else 0.9}"/>\n'
    )
    text = band.facility or country or custody
    room = int((band.width - 12) / 7)
    if room >= 4:
        shown = text if len(text) <= room else text[: room - 1] + "…"
        out.append(
            f'<text x="{band.x + 6}" y="{d.band_y + 18}" font-size="12" '
            f'fill="{"#1d232b" if band.faint else "#ffffff"}">{escape(shown)}</text>\n'
        )
    out.append("</a>\n")
    return "".join(out)


def _mark(d: Drawing, mark: Mark, lang: Language) -> str:
    title = f"{lang.gettext(label('kind', mark.kind))} · {lang.range(mark.date)}"
    ink = "#b3261e" if mark.kind == "access_denied" else ("#1b7f3b" if mark.alive else "#2b2f36")
    x, y = mark.x, mark.y
    if mark.row == 0:
        shape = (
            f'<line x1="{x}" x2="{x}" y1="{d.band_y - 5}" y2="{d.band_y + d.band_height + 5}" stroke="#1d232b" '
            'stroke-width="1.5"/>'
        )
    elif mark.is_range:
        shape = (
            f'<rect x="{x}" y="{y - 6}" width="{mark.x_end - x}" height="12" rx="6" fill="{ink}" fill-opacity="0.18" '
            f'stroke="{ink}" stroke-width="1.5"/>'
        )
    elif mark.shape == "diamond":
        shape = (
            f'<polygon points="{x},{y - 8} {x + 8},{y} {x},{y + 8} {x - 8},{y}" fill="#ffffff" stroke="{ink}" '
            'stroke-width="2"/>'
        )
    elif mark.shape == "cross":
        shape = (
            f'<path d="M{x - 6},{y - 6} L{x + 6},{y + 6} M{x + 6},{y - 6} L{x - 6},{y + 6}" stroke="{ink}" '
            'stroke-width="3" stroke-linecap="round"/>'
        )
    else:
        fill = ink if mark.alive else "#ffffff"
        shape = f'<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="{ink}" stroke-width="2"/>'
    return f'<a href="#event-{escape(mark.event)}">\n<title>{escape(title)}</title>\n{shape}\n</a>\n'
