"""A document's charts as PNG images, with matplotlib, in the document's font."""

from __future__ import annotations

import io

from hoctap.documents.model import Chart
from hoctap.text import format_decimal

WIDTH_INCHES = 6.3  # the text width of an A4 page with official margins (16 cm)
DPI = 150


def chart_png(chart: Chart) -> tuple[bytes, float]:
    """The chart as PNG bytes and its height / width ratio."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from hoctap.documents.fonts import chart_font

    family = chart_font()
    is_bars = chart.kind == "bars"
    height = min(9.0, max(2.2, 0.17 * len(chart.labels) + 1.0)) if is_bars else 3.0
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    axes = figure.add_subplot()
    small = 7 if len(chart.labels) > 30 else 9
    if chart.kind == "bars":
        order = sorted(range(len(chart.values)), key=lambda i: chart.values[i])
        labels = [chart.labels[i] for i in order]
        values = [chart.values[i] for i in order]
        bars = axes.barh(labels, values, color="#2e75b6", height=0.7)
        for bar, value in zip(bars, values, strict=True):
            axes.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                f" {format_decimal(value)}{chart.unit}",
                va="center",
                fontsize=small,
                family=family,
            )
        axes.set_xlim(0, max([*values, 1.0]) * 1.15)
        axes.set_ylim(-0.6, len(labels) - 0.4)
        axes.tick_params(axis="y", labelsize=small, length=0)
    else:
        axes.bar(chart.labels, chart.values, color="#2e75b6", width=0.85)
        for index, value in enumerate(chart.values):
            axes.text(
                index, value, f"{int(value)}", ha="center", va="bottom", fontsize=8, family=family
            )
        axes.tick_params(axis="x", labelsize=8, length=0)
        axes.set_ylim(0, max([*chart.values, 1.0]) * 1.15)
    for label in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        label.set_fontfamily(family)
    if chart.axis:
        axes.set_xlabel(chart.axis, fontsize=9, family=family)
    axes.spines[["top", "right"]].set_visible(False)
    figure.text(0.01, 0.01, f"Nguồn: {chart.source}", fontsize=8, color="#444444", family=family)
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue(), height / WIDTH_INCHES
