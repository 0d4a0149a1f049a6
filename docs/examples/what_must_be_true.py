"""What would have to be true for a "reverse Kissinger" wedge to work?

Starts from the background essay's own scenario (``scenarios/reverse_kissinger_2025.toml``:
existential schism costs, a partner with an unlimited counter budget, a commitment that may not
outlast the administration) and asks three questions:

1. one at a time: does changing any single assumption, the others held, make the wedge succeed?
2. scenario discovery: over which joint ranges of the assumptions does it succeed (PRIM boxes)?
3. Sobol' indices: which assumption moves the wedge margin most?

Run it as is (figures go to ``out/what_must_be_true``, or to the folder given as argument)::

    python docs/examples/what_must_be_true.py [OUTDIR]

Set ``TRIANGLE_EXAMPLE_QUICK=1`` for a run of a few seconds with few samples (the test suite
does).  Thousands of evaluations are needed, so the strategy library is cut to four
strategies; the scenario's own eight-strategy library gives the same kind of answer, slower.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from triangle.analysis.discovery import discover
from triangle.analysis.sensitivity import oat, sobol
from triangle.scenario.files import library_dir, load_scenario
from triangle.wedge.solve import solve

QUICK = os.environ.get("TRIANGLE_EXAMPLE_QUICK") == "1"
GRID, SAMPLES, SOBOL_N = (5, 300, 32) if QUICK else (21, 2000, 256)

# The assumptions the essay's conclusion rests on, each over a range an analyst might defend.
VARY = {
    "schism.cost.target": (0.0, 20.0),        # finite: a break is costly but survivable
    "counter.budget": (0.0, 3.0),             # what China would pay per year to keep Russia
    "wedge.durability": (0.9, 1.0),           # annual survival of the US commitment
    "wedge.reward": (0.0, 10.0),              # the conditional reward per year
    "schism.value_to_divider": (0.0, 20.0),   # what the split is worth to the US per year
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    essay = load_scenario(library_dir() / "reverse_kissinger_2025.toml")
    scenario = essay.replace({"partnership.strategies": ["Loyal", "Hedger", "Grim", "Realign"]})
    here = solve(scenario, backend="batched")
    print(f"The essay's scenario: verdict {here.verdict}, wedge margin {here.margin} per year.")

    # 1. One at a time around the essay's point.
    one = oat(scenario, VARY, grid=GRID)
    one.plot().savefig(out / "oat.png", dpi=120)
    flips = {path: one.flips(path) for path in VARY}
    to_success = [(p, f["value"]) for p, fs in flips.items() for f in fs if f["to"] == "success"]
    if to_success:
        for path, value in to_success:
            print(f"  alone, {path} = {value:.6g} makes the wedge succeed")
    else:
        print("  No single assumption, changed alone over its range, makes the wedge succeed.")

    # 2. Scenario discovery: the joint ranges where it succeeds.
    found = discover(scenario, VARY, samples=SAMPLES, seed=1)
    found.plot().savefig(out / "discover.png", dpi=120)
    print("What must be true, jointly (PRIM):")
    print("  " + found.summary().replace("\n", "\n  "))

    # 3. Which assumption matters most for the margin?
    indices = sobol(scenario, VARY, output="margin", samples=SOBOL_N, seed=1)
    indices.plot().savefig(out / "sobol.png", dpi=120)
    ranked = indices.table.sort_values("ST", ascending=False)
    print("Total Sobol' indices of the wedge margin (share of its variance):")
    for path, row in ranked.iterrows():
        print(f"  {path:26s} ST = {row['ST']:.3f} ± {row['ST_conf']:.3f}")
    print(f"Figures in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out") / "what_must_be_true")
