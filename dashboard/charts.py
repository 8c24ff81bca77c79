"""Server-rendered SVG (pygal, js=[]): no script, no network; the table beside it holds the data."""

import re

import pygal
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    colors=("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545"),
    font_family="system-ui, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
)

SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def block_svg(block) -> str:
    if not block.labels:
        return ""
    chart = pygal.Bar(
        js=[],
        style=STYLE,
        height=260,
        width=640,
        disable_xml_declaration=True,
        x_label_rotation=30,
        truncate_label=24,
        show_legend=len(block.series) > 1,
        legend_at_bottom=True,
        print_values=False,
    )
    chart.title = str(block.title)
    chart.x_labels = [str(label) for label in block.labels]
    for name, values in block.series.items():
        chart.add(str(name), [v if isinstance(v, (int, float)) else 0 for v in values])
    # pygal writes an inline config <script> even with js=[]; an <img> never runs it, but the
    # chart URL opened on its own is a document: drop it so the SVG is inert either way.
    return SCRIPT.sub("", chart.render(is_unicode=True))
