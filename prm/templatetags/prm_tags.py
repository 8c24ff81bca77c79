import base64

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from prm.cache import pagecache
from prm.i18n import formats
from prm.text import weburl
from prm.text.markdown import render_markdown
from prm.ui import charts, layout

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


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    """Render one home panel `(template_name, context)` inside the page's own context, the
    way {% include %} does: the context processors have already run once for the page. A
    panel already rendered (the cached ones, prm.ui.registry.home_panels) is its HTML."""
    if isinstance(panel, str):
        return panel
    template_name, panel_context = panel
    template = context.template.engine.get_template(template_name)
    with context.push(**panel_context):
        return template.render(context)


@register.simple_tag(takes_context=True)
def cell(context, column, row) -> str:
    """One HTML cell of a `prm.exports.columns.Column`: its template if it has one, else its value."""
    value = column.value(row)
    if not column.cell:
        return "" if value is None else value
    template = context.template.engine.get_template(column.cell)
    with context.push(row=row, value=value):
        return template.render(context)


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
def safe_href(value) -> str:
    """A URL from data, fit for href/src: an http(s) address or a path on this portal, else
    "" (prm.text.weburl). Every `href="{{ ... }}"` in a template uses it (tests/prm/test_weburl.py)."""
    return weburl.safe_href(value)


@register.filter
def pct(value) -> int:
    """A percentage as a whole number 0..100, for the `pct-N` width classes (no style=)."""
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return 0


@register.filter
def chart_img(svg: str, label: str = ""):
    """A server-rendered SVG chart as an <img> (its own <style> then needs no inline-style
    exception in the Content-Security-Policy). The numbers are in a table next to it; the
    alt text (prm.ui.charts) says what the chart shows."""
    if not svg:
        return ""
    data = base64.b64encode(str(svg).encode()).decode()
    alt = getattr(svg, "alt", "") or label  # prm.ui.charts.render: what the chart shows, in words
    return format_html('<img class="chart-img" src="data:image/svg+xml;base64,{}" alt="{}">', data, alt)


@register.simple_tag
def chart_description(title, labels, series):
    """The text alternative of a chart drawn elsewhere (an <img src> chart URL): prm.ui.charts."""
    return charts.describe(title, labels, series)


@register.filter
def yen(amount):
    """¥1,200,000: JPY without decimals."""
    return formats.yen(amount)


@register.filter
def yen_short(amount):
    """320万円 / 3.2M JPY (prm.i18n.formats.yen_short)."""
    return formats.yen_short(amount)


@register.simple_tag(takes_context=True)
def navbar(context):
    """The navigation bar (prm.ui.layout: rendered once per process and shape, slots filled)."""
    return layout.navbar(context)


class _NotInSharedFragment:
    """What `user`, `membership` and `perms` are inside a fragment shared by several people:
    using them there is a bug, so it fails loudly instead of caching one person's view."""

    def __init__(self, name):
        self.name = name

    def __getattr__(self, attr):
        raise RuntimeError(f"{self.name}.{attr} inside a shared {{% fragment %}}: add the person scope")

    def __bool__(self):
        raise RuntimeError(f"{self.name} inside a shared {{% fragment %}}: add the person scope")


class FragmentNode(template.Node):
    def __init__(self, nodelist, spec, part=None):
        self.nodelist, self.spec, self.part = nodelist, spec, part

    def render(self, context):
        spec = self.spec.resolve(context)
        if not spec:  # not cached (a form with errors): None, or not given
            return self.nodelist.render(context)
        if self.part is not None:  # one row of `pagecache.Rows`
            spec = spec.part(self.part.resolve(context))
        shadow = {"csrf_token": pagecache.CSRF_PLACEHOLDER}
        if not spec.personal:
            shadow |= {name: _NotInSharedFragment(name) for name in ("user", "membership", "perms")}

        def render():
            with context.push(**shadow):
                return self.nodelist.render(context)

        return spec.render(render)


@register.tag
def fragment(parser, token):
    """`{% fragment main %}...{% endfragment %}`: the enclosed template as the exact cached
    fragment `main` (a `prm.cache.pagecache.Fragment` the view declared: name, scopes, what it
    varies by; None renders it uncached). `{% fragment rows row %}` inside a loop: one row of
    a `prm.cache.pagecache.Rows`. The CSRF token is filled in per request; `user`,
    `membership` and `perms` fail inside a fragment without the person scope."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("{% fragment spec %} or {% fragment rows row %}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, *(parser.compile_filter(b) for b in bits[1:]))
