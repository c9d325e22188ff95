"""The partnership report as PDF (WeasyPrint), CSV or JSON, for the staff page and the CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, render_template, request
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consultations import charts
from consultations.errors import NotFound
from feedback import forum
from feedback import report as lsp

MIMETYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "json": "application/json",
}


def threshold() -> int:
    return int(current_app.config.get("SMALL_GROUP_THRESHOLD", lsp.SMALL_GROUP_THRESHOLD))


def build(
    *, slug: str | None = None, period: tuple[date, date] | None = None, now: datetime
) -> lsp.Report:
    """The report for one consultation or for everything open during a period."""
    if slug:
        consultation = lsp.consultation_for_report(slug)
        return lsp.build_report(
            [consultation],
            title=f"Report to the Local Strategic Partnership: {consultation.youth_title}",
            period=None,
            now=now,
            threshold=threshold(),
        )
    if period is None:
        raise NotFound("Choose a consultation or a period.")
    return lsp.build_report(
        lsp.consultations_in(*period),
        title="Report to the Local Strategic Partnership",
        period=period,
        now=now,
        threshold=threshold(),
    )


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The report is self-contained: nothing is ever fetched, from the network or from disk.
    raise ValueError(f"the report does not load outside resources ({url[:40]})")


def _painted(svg: str) -> str:
    # WeasyPrint paints SVG from presentation attributes, not from the page's CSS classes.
    return (
        svg.replace('class="track"', 'class="track" fill="#e8eef1"')
        .replace('class="bar"', 'class="bar" fill="#0b6e75"')
        .replace('class="label"', 'class="label" font-size="15"')
        .replace('class="value"', 'class="value" font-size="15"')
    )


def _charts(report: lsp.Report) -> dict[tuple[int, int], str]:
    drawn: dict[tuple[int, int], str] = {}
    for ci, section in enumerate(report.consultations):
        for qi, question in enumerate(section.questions):
            if question.options:
                bars = [charts.Bar(o.label, o.count, o.percent) for o in question.options]
                drawn[(ci, qi)] = _painted(
                    charts.bar_chart(bars, title=question.prompt, chart_id=f"c{ci}q{qi}")
                )
    return drawn


def render_pdf(report: lsp.Report) -> bytes:
    from weasyprint import HTML

    html = render_template("reports/lsp.html", report=report, charts=_charts(report))
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def render(report: lsp.Report, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "csv":
        return lsp.to_csv(report).encode()
    if fmt == "json":
        return lsp.to_json(report).encode()
    raise NotFound("Download the report as pdf, csv or json.")


def filename(report: lsp.Report, fmt: str, slug: str | None) -> str:
    stem = f"lsp-report-{slug}" if slug else f"lsp-report-{report.period.replace(' to ', '--')}"
    return f"{stem}.{fmt}"


def page(
    template: str, form: Any, *, period_choice: str, now: datetime
) -> Response | tuple[str, int]:
    """The report page (``form`` is a ReportForm on the query string) or, once asked, the file.

    Officers use it from the staff console and forum members from the forum: the report
    holds only counts, suppressed breakdowns, published quotes and the forum's own
    recommendations, so the youth forum linked to the partnership reads the same report.
    """
    form.consultation.choices = [SelectChoice("", period_choice)] + [
        SelectChoice(c.slug, c.youth_title) for c in forum.citable_consultations()
    ]
    if not any(name in request.args for name in ("consultation", "start", "end", "format")):
        return render_template(template, form=form), 200
    if not form.validate():
        return render_template(template, form=form), 422
    slug = form.consultation.data or None
    period = None if slug else (form.start.data, form.end.data)
    fmt = form.format.data or "pdf"
    report = build(slug=slug, period=period, now=now)
    return Response(
        render(report, fmt),
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename(report, fmt, slug)}"'},
    )
