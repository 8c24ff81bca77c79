from django import forms, template
from django.utils.safestring import mark_safe

from prm.markdown import render_markdown

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def elided_range(page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def add_class(field, css: str):
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": f"{existing} {css}".strip()}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def widget_kind(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        return "multicheck"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Markdown rendered and sanitised (safe to output)."""
    return mark_safe(render_markdown(text))


@register.filter
def yen(amount):
    """¥1,200,000: JPY without decimals."""
    from prm.formats import yen as fmt

    return fmt(amount)


@register.filter
def yen_short(amount):
    """320万円 / 3.2M JPY (prm.formats.yen_short)."""
    from prm.formats import yen_short as fmt

    return fmt(amount)
