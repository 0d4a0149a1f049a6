"""docs/architecture.md names every layer and every module, in the layer the code puts it."""

import re
from pathlib import Path

import pytest

from tests.test_architecture import LAYERS, PACKAGE

DOC = (PACKAGE.parent / "docs" / "architecture.md").read_text()
TABLE = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| (.*)$", DOC, re.MULTILINE)}


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_has_a_row_naming_its_modules(layer):
    assert layer in TABLE, f"no row for {layer}"
    modules = sorted(p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__")
    missing = [m for m in modules if f"`{m}`" not in TABLE[layer] and layer != "presentation"]
    assert not missing, f"{layer}: {missing} not in docs/architecture.md"


def test_the_diagram_lists_the_layers_lowest_last():
    rows = [line for line in DOC.splitlines() if re.match(r"^ \d  \w+", line)]
    assert [r.split()[1] for r in rows] == list(reversed(LAYERS))
    for row, layer in zip(rows, reversed(LAYERS), strict=True):
        assert Path(PACKAGE / layer).is_dir(), row
