"""The report as one self-contained HTML page (inline print CSS, nothing fetched)."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from habeas.reports.model import Report

_ENV = Environment(
    loader=PackageLoader("habeas.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: Report) -> str:
    css = files("habeas.reports").joinpath("templates", "report.css").read_text(encoding="utf-8")
    return _ENV.get_template("report.html").render(report=report, css=css)
