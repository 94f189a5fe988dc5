"""Panels that upper floors add to the case file page (the workflow's open step and actions, documents...).

A lower floor never imports an upper one: apps register here from their AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Case


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable[[HttpRequest, Case], dict | None]  # None hides the panel
    order: int = 100


_panels: list[Panel] = []


def register(
    template_name: str, context: Callable[[HttpRequest, Case], dict | None], *, order: int = 100
) -> None:
    if any(p.template_name == template_name for p in _panels):
        return
    _panels.append(Panel(template_name, context, order))
    _panels.sort(key=lambda p: p.order)


def render_context(request: HttpRequest, case: Case) -> list[dict]:
    """The panels to draw for this request: [{"template": ..., **context}]."""
    drawn = []
    for panel in _panels:
        ctx = panel.context(request, case)
        if ctx is not None:
            drawn.append({"template": panel.template_name, **ctx})
    return drawn
