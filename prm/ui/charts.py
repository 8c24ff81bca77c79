"""Charts that say what they show (WCAG 1.1.1): every pygal chart is rendered with a text
alternative built from the same numbers, for the <img alt> beside its data table.

    from prm import charts
    return charts.render(chart)          # the SVG, a str carrying .alt
    {{ chart|chart_img }}                # <img alt="Chart: … Highest … lowest …">

The alternative names the chart, what each series covers and its highest and lowest
points, and says that the table beside it holds every value: the summary a sighted reader
takes from a glance, not a second copy of the table.
"""

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class ChartSVG(SafeString):
    """An SVG chart (safe: drawn by pygal from our own numbers) with its text alternative."""

    alt: str = ""


def _number(value) -> str:
    if isinstance(value, (float, Decimal)) and value != int(value):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def describe(title, labels, series) -> str:
    """`series` is {name: [value per label]} (None for no value)."""
    labels = [str(label) for label in labels]
    parts = [_("Chart: %(title)s.") % {"title": title}] if title else []
    points = {
        name: [
            (lab, v) for lab, v in zip(labels, values, strict=False) if isinstance(v, (int, float, Decimal))
        ]
        for name, values in series.items()
    }
    if not labels or not any(points.values()):
        parts.append(_("No data."))
        return _join(parts)
    parts.append(
        _("%(count)s points, from %(first)s to %(last)s.")
        % {"count": len(labels), "first": labels[0], "last": labels[-1]}
    )
    for name, values in points.items():
        if not values:
            continue
        high = max(values, key=lambda p: p[1])
        low = min(values, key=lambda p: p[1])
        parts.append(
            _("%(series)s: highest %(high_label)s (%(high)s), lowest %(low_label)s (%(low)s).")
            % {
                "series": name,
                "high_label": high[0],
                "high": _number(high[1]),
                "low_label": low[0],
                "low": _number(low[1]),
            }
        )
    parts.append(_("Every value is in the table next to the chart."))
    return _join(parts)


def _join(sentences) -> str:
    """Japanese sentences follow each other without a space (each ends with 。)."""
    return ("" if (get_language() or "").startswith("ja") else " ").join(sentences)


def render(chart, *, title=None) -> ChartSVG:
    """pygal's SVG of `chart` with `.alt` describing it (title, x labels, series). `title`
    names a chart that draws none of its own."""
    svg = chart.render(is_unicode=True)
    labels = list(getattr(chart, "x_labels", None) or [])
    series = {str(config.get("title", "")): list(values) for values, config in chart.raw_series}
    result = ChartSVG(svg)
    # The title is set on the chart, or given to its constructor (then it is in its config).
    drawn = getattr(chart, "title", None) or getattr(chart.config, "title", None)
    result.alt = describe(str(title or drawn or ""), labels, series)
    return result
