"""Draw the floors of the house from the code: the layers of the import-linter contract (pyproject.toml) and
the imports between the apps as grimp finds them, as a Mermaid chart written into docs/architecture.md
between the FLOORS markers. `make docs` runs it; tests/config/test_architecture_doc.py fails when the chart
in the document is not the one the code draws."""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- FLOORS: drawn by docs/draw_floors.py -->", "<!-- /FLOORS -->"


def layers() -> list[list[str]]:
    """The floors, top first, each a list of apps (the `floors` layers contract)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c.get("id") == "floors"]
    return [[app.strip() for app in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def app_imports(apps: list[str]) -> set[tuple[str, str]]:
    """(importer, imported) for every app that imports another, from grimp's graph of the code."""
    import grimp

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*apps)
    edges = set()
    for importer in apps:
        for imported in apps:
            if importer != imported and graph.direct_import_exists(
                importer=importer, imported=imported, as_packages=True
            ):
                edges.add((importer, imported))
    return edges


def chart() -> str:
    floors = layers()
    apps = [app for floor in floors for app in floor]
    lines = ["```mermaid", "flowchart TB"]
    for i, floor in enumerate(floors):
        number = len(floors) - 1 - i
        lines.append(f'  subgraph F{number}["floor {number}"]')
        lines.append("    direction LR")
        lines.extend(f"    {app}" for app in floor)
        lines.append("  end")
    lines.extend(f"  {a} --> {b}" for a, b in sorted(app_imports(apps)))
    lines.append("```")
    return "\n".join(lines)


def drawn(text: str) -> str:
    """The document with its chart replaced by the one the code draws."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return f"{text[:start]}\n{chart()}\n{text[end:]}"


if __name__ == "__main__":
    DOC.write_text(drawn(DOC.read_text()))
    print(f"{DOC.relative_to(ROOT)}: floors drawn")
