"""The export menu of a page's main view: a picture at projector resolution (PNG, SVG), the
numbers behind it (CSV) and, where the page can, a web page that plays the view offline (HTML). Everything happens in the browser (assets/core/export.js): the
buttons only name the page's exporter."""

from __future__ import annotations

from dash import html

KINDS = {"png": "Picture (PNG)", "svg": "Picture (SVG)", "csv": "Numbers (CSV)"}
OFFLINE_LABEL = "Page that plays offline (HTML)"


def export_menu(
    exporter: str, csv_label: str = "Numbers (CSV)", offline: bool = False
) -> html.Details:
    """A small "Export" menu for `LossViz.exporters[exporter]`; `csv_label` says what the CSV
    holds ("Paths (CSV)"); `offline` adds the HTML page (the exporter has `offline()`)."""
    labels = {**KINDS, "csv": csv_label, **({"html": OFFLINE_LABEL} if offline else {})}
    return html.Details(
        [
            html.Summary("Export", title="Save this view as a picture or its numbers as CSV"),
            html.Div(
                [
                    html.Button(
                        label,
                        type="button",
                        className="export-item",
                        **{"data-export": kind, "data-exporter": exporter},
                    )
                    for kind, label in labels.items()
                ],
                className="export-items",
            ),
        ],
        className="export-menu",
        **{"data-group": "export", "data-group-label": "export menu"},
    )
