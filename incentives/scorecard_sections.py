"""Sections that apps above incentives add to the partner's scorecard.

incentives sits below the apps whose figures a partner also wants beside their tier (leads
passed to them, ...), so it cannot import them. Each such app registers a section in its
`AppConfig.ready()`, as the home panels are registered with `prm.ui.registry`:

    from incentives import scorecard_sections
    from leads import views

    scorecard_sections.register_section(views.scorecard_section, order=10)

A section is `f(partner) -> (template_name, context) | None` (None: nothing to show). It is
rendered inside the scorecard's cached fragment, which is exact under the partner's and the
catalogue's scopes and kept per role: a section reads only the partner's rows and the
catalogue, never the person's, and changes through services that audit (which bump them).
Registering the same function twice is a no-op; a broken import fails at start-up."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Section:
    func: Callable
    order: int


_sections: list[Section] = []


def register_section(func: Callable, *, order: int = 100) -> None:
    if any(s.func is func for s in _sections):
        return
    _sections.append(Section(func, order))
    _sections.sort(key=lambda s: s.order)


def sections(partner) -> list[SafeString]:
    """The HTML of every registered section that has something to show, in order."""
    rendered = []
    for section in _sections:
        shown = section.func(partner)
        if shown:
            template_name, context = shown
            rendered.append(render_to_string(template_name, context))  # a SafeString already
    return rendered
