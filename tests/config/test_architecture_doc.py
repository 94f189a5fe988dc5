"""docs/architecture.md shows the floors the code has: its chart is the one docs/draw_floors.py draws from
the import-linter contract and the imports grimp finds."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _draw_floors():
    spec = importlib.util.spec_from_file_location("draw_floors", DOCS / "draw_floors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floors_chart_is_the_one_the_code_draws():
    draw = _draw_floors()
    text = (DOCS / "architecture.md").read_text()
    assert draw.drawn(text) == text, "run `make docs` to redraw the floors in docs/architecture.md"


def test_the_chart_shows_every_app_on_its_floor_and_no_arrow_upward():
    draw = _draw_floors()
    floors = draw.layers()
    level = {app: len(floors) - i for i, floor in enumerate(floors) for app in floor}
    assert {"fastpath", "audit", "cases", "approvals", "workflows", "config"} <= set(level)
    edges = draw.app_imports(list(level))
    assert ("workflows", "cases") in edges
    assert all(level[a] > level[b] for a, b in edges)
