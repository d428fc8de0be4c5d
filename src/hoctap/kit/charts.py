"""Charts for stories and infographics: readable, sorted, and always with their source."""

from __future__ import annotations

from typing import Any

from hoctap.text import format_decimal


def bar_chart(table: Any, label: str, value: str, title: str, source: str, unit: str = "%") -> Any:
    """Horizontal bars, largest first, each with its value; the source printed under the chart.

    ``table`` is a pandas DataFrame; returns the matplotlib Figure (also shown in a notebook).
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not str(title).strip():
        raise ValueError("Biểu đồ cần có tiêu đề.")
    if not str(source).strip():
        raise ValueError("Biểu đồ cần ghi nguồn số liệu.")
    rows = table.sort_values(value, ascending=True)
    height = max(2.5, 0.45 * len(rows) + 1.5)
    figure, axes = plt.subplots(figsize=(8, height))
    bars = axes.barh(rows[label].astype(str), rows[value], color="#2e75b6")
    for bar, number in zip(bars, rows[value], strict=True):
        axes.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {format_decimal(number)}{unit}",
            va="center",
            fontsize=10,
        )
    axes.set_title(title, fontsize=13, loc="left", pad=12)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(rows[value].max() * 1.15, 1))
    figure.text(0.01, 0.01, f"Nguồn: {source}", fontsize=9, color="#555555")
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    return figure
