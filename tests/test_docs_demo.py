"""The demo map: one command in the Makefile, the tutorial and the README, with numbers that
are the command's own, and every verdict it names present on its own grid.

The transcripts under the commands that draw ``docs/figures`` are written by
``.ci/transcripts.py`` (``make docs-figures``); its rewriting is tested here too."""

import importlib.util
import re
import shlex
from pathlib import Path

from triangle.analysis.sweep import sweep
from triangle.presentation.cli import build_parser
from triangle.presentation.cli_common import scenario_from_args
from triangle.presentation.cli_maps import parse_axis

ROOT = Path(__file__).resolve().parent.parent
VERDICTS_LINE = re.compile(r"^verdicts: (.*)$", re.M)


def demo_args() -> list[str]:
    """The ``DEMO_MAP`` arguments of the Makefile (continued lines joined)."""
    text = ROOT.joinpath("Makefile").read_text()
    block = re.search(r"^DEMO_MAP := ((?:.*\\\n)*.*)$", text, re.M).group(1)
    return shlex.split(block.replace("\\\n", " "))


def tutorial_block() -> str:
    text = ROOT.joinpath("docs", "tutorial.md").read_text()
    return re.search(r"```console\n(\$ triangle map [^`]*-o docs/figures/demo-map\.png\n.*?)```",
                     text, re.S).group(1)


def shares(line: str) -> dict[str, str]:
    """``{"success": "7.1", ...}`` from ``verdicts: success 7.1%, ...`` or the README's prose."""
    return {v.strip().replace(" ", "_"): p for v, p in re.findall(r"([a-z_ ]+?) (\d+\.\d)%", line)}


def test_the_tutorial_shows_the_makefiles_demo_command():
    block = tutorial_block()
    command = block.split("\nwrote ")[0].replace("\\\n", " ")
    shown = shlex.split(command)[3:]  # after "$ triangle map"
    assert shown[:-2] == demo_args() and shown[-2:] == ["-o", "docs/figures/demo-map.png"]


def test_the_readme_caption_gives_the_transcripts_shares():
    transcript = shares(VERDICTS_LINE.search(tutorial_block()).group(1))
    caption = ROOT.joinpath("README.md").read_text().split("What the verdicts mean")[0]
    assert len(transcript) >= 5 and shares(caption.replace("\n", " ")) == transcript
    # rounded to 0.1%: the sum is within half a unit of the last digit per verdict of 100
    assert abs(sum(float(p) for p in transcript.values()) - 100) <= 0.05 * len(transcript) + 1e-9


def test_every_verdict_the_demo_names_is_on_its_own_grid():
    """Every 10th value of each axis (25 of the 1,681 points, all on the demo's grid) already
    shows each verdict of the transcript, and no other."""
    args = build_parser().parse_args(["map", *demo_args()])
    scenario = scenario_from_args(args.file, args.sets)
    (xp, xs), (yp, ys) = parse_axis("--x", args.x), parse_axis("--y", args.y)
    assert len(xs) == len(ys) == 41
    table = sweep(scenario, grid={xp: xs[::10], yp: ys[::10]}, kind="game", backend=args.solver)
    found = set(table["verdict"].astype(str))
    assert found == set(shares(VERDICTS_LINE.search(tutorial_block()).group(1)))
    assert {"success", "pyrrhic", "backfire", "pocketed"} <= found


def _transcripts():
    spec = importlib.util.spec_from_file_location("transcripts", ROOT / ".ci" / "transcripts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_transcripts_replace_the_output_of_figure_commands_only(tmp_path):
    (tmp_path / "fig-a.txt").write_text("new line 1\nnew line 2\n")
    text = ("intro\n```console\n$ triangle map x \\\n    --x a=0:1:2 -o docs/figures/fig-a.png\n"
            "old output\nmore old output\n```\n\n```console\n$ triangle run x\nkept\n```\n"
            "```console\n$ triangle map y -o docs/figures/fig-b.png\nkept too\n```\n")
    new, done = _transcripts().update(text, tmp_path)
    assert done == ["fig-a"]
    assert new == text.replace("old output\nmore old output\n", "new line 1\nnew line 2\n")


def test_marked_shares_are_rewritten_from_the_transcript(tmp_path):
    (tmp_path / "m.txt").write_text("wrote m.png\nverdicts: success 7.1%, split_anyway 92.9%\n")
    text = "over the grid: <!-- shares:m -->old words<!-- /shares --> of it"
    new, done = _transcripts().shares(text, tmp_path)
    assert done == ["m"]
    assert new == "over the grid: <!-- shares:m -->success 7.1%, split anyway 92.9%<!-- /shares --> of it"
