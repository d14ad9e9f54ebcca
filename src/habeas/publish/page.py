"""The publication's one static page: its tables with labels, its charts, and what a reader must know to use them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from habeas.publish.charts import MAX_BARS, bar_chart, series_chart
from habeas.publish.colophon import Colophon
from habeas.publish.words import month_short, text


def render_page(manifest: dict[str, Any], colophon: Colophon) -> str:
    """The page for ``manifest`` (the publication's JSON), in the manifest's language."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    lang = manifest["lang"]
    env = Environment(loader=PackageLoader("habeas.publish", "templates"), autoescape=select_autoescape(["html"]))
    limit = manifest["threshold"] + 1
    words = {
        key: text(key, lang)
        for key in ("page_title", "about", "total", "total_people", "overlap", "not_shown", "footer")
    }
    words["not_shown_long"] = text("not_shown_long", lang, limit=limit)
    words["table_withheld"] = text("table_withheld", lang, limit=limit)
    tables = [_table_view(doc, lang) for doc in manifest["tables"]]
    return env.get_template("publication.html").render(
        manifest=manifest,
        tables=tables,
        words=words,
        lang=lang,
        publisher=text("published_by", lang, publisher=colophon.publisher) if colophon.publisher else None,
        counted_on=text("counted_on", lang, day=manifest["as_of"], generated=manifest["generated_on"]),
        licence=text("licence", lang, licence=colophon.licence_text()),
        downloads=_with_link("all_downloads", lang, "json", "publication.json"),
        not_published=[text("not_published", lang, reason=n["reason"]) for n in manifest["not_published"]],
        not_published_titles=[n["title"] for n in manifest["not_published"]],
    )


def _table_view(doc: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the template needs of one table: its labels, whether anything is shown, its charts."""
    values = [v for row in doc["cells"] for v in row] + doc["row_totals"] + doc["column_totals"] + [doc["total"]]
    withheld = all(v is None for v in values)
    charts: list[tuple[str, Markup]] = []
    marks = [doc["row_marks"].get(row) for row in doc["rows"]]
    row_display = [
        f"{label} ({text(m, lang)})" if m else label for label, m in zip(doc["row_labels"], marks, strict=True)
    ]
    if not withheld and doc["row_marks"]:
        words = {key: text(key, lang) for key in ("undercounted", "open", "not_shown")}
        axes = (text("axis_month", lang), text("axis_people", lang))
        chart = series_chart(
            doc["title"], [month_short(r, lang) for r in doc["rows"]], doc["row_totals"], marks, axes, words
        )
        charts.append((doc["title"], chart))
    elif not withheld:
        charts.append(_chart(doc["title"], doc["row_heading"], doc["row_labels"], doc["row_totals"], lang))
        if doc["column_field"]:
            charts.append(
                _chart(doc["title"], doc["column_heading"], doc["column_labels"], doc["column_totals"], lang, True)
            )
    return {
        "doc": doc,
        "row_display": row_display,
        "withheld": withheld,
        "charts": charts,
        "region": text("scroll_hint", lang, title=doc["title"]),
        "download": _with_link("downloads", lang, "csv", f"{doc['id']}.csv"),
    }


def _with_link(key: str, lang: str, field: str, name: str) -> Markup:
    """A sentence with a file's name as a link to it (the name is habeas's own, never the user's words)."""
    marker = "\x00"
    sentence = escape(text(key, lang, **{field: marker}))
    return Markup(sentence.replace(marker, Markup('<a href="{0}">{0}</a>').format(name)))


def _chart(
    title: str, dimension: str, labels: Sequence[str], values: Sequence[int | None], lang: str, largest: bool = False
) -> tuple[str, Markup]:
    """A bar chart of one dimension; past ``MAX_BARS`` bars, the largest only (in order of size when ``largest``)."""
    pairs = list(zip(labels, values, strict=True))
    if largest or len(pairs) > MAX_BARS:
        pairs.sort(key=lambda pair: -1 if pair[1] is None else pair[1], reverse=True)
    more = text("more_bars", lang, shown=MAX_BARS, count=len(pairs)) if len(pairs) > MAX_BARS else ""
    pairs = pairs[:MAX_BARS]
    caption = text("chart_by", lang, title=title, dimension=dimension.lower())
    chart = bar_chart(
        caption, [p[0] for p in pairs], [p[1] for p in pairs], text("axis_people", lang), text("not_shown", lang), more
    )
    return text("chart_by_short", lang, dimension=dimension.lower()), chart
