"""The ``triangle`` command.

Every command reads scenario files as data, reports bad input as one line on stderr
(file, dotted key, what was expected, what was found) with exit code 2, and writes
output files atomically (a temporary file renamed into place), so a failed run leaves
no half-written file behind.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .executors import atomic_replace
from .scenario import Scenario, ScenarioError, library_dir, list_library, load_scenario, parse_override

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A bad command-line value (not a scenario file problem); reported in one line, exit 2."""


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically."""
    atomic_replace(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def scenario_from_args(file: str, assignments: Sequence[str] | None) -> Scenario:
    """Load a scenario and apply ``--set PATH=VALUE`` overrides, all validated."""
    scenario = load_scenario(file)
    overrides = dict(parse_override(a) for a in assignments or ())
    return scenario.replace(overrides, origin=f"{file}: --set") if overrides else scenario


def add_scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="scenario file (TOML)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="PATH=VALUE",
                   help="override a parameter, e.g. --set schism.cost.target=existential")


def cmd_run(args: argparse.Namespace) -> int:
    from .api import solve
    from .report import dumps, render_text

    scenario = scenario_from_args(args.file, args.sets)
    outcome = solve(scenario, backend=args.solver)
    text = render_text(outcome)
    if args.report:
        write_text(args.report, text)
    if args.json:
        print(dumps(outcome))
    else:
        print(text)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    for file in args.files:
        scenario = load_scenario(file)
        print(f"{file}: ok ({scenario.name}, hash {scenario.param_hash()})")
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    for stem, description in list_library():
        print(f"{stem:28s} {description}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.name if args.name.endswith(".toml") else f"{args.name}.toml")
    if target.exists():
        raise UsageError(f"{target}: expected a new file name, found an existing file")
    atomic_replace(target, lambda tmp: shutil.copyfile(library_dir() / "template.toml", tmp))
    print(f"wrote {target}; edit it, then: triangle validate {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triangle", description="Game-theory simulator of a strategic triangle.")
    parser.add_argument("--version", action="version", version=f"strategic-triangle {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="solve one scenario and report the verdict and why")
    add_scenario_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--report", metavar="FILE.md", help="also write the text report to a file")
    p.add_argument("--solver", choices=("nashpy", "batched", "admissible"),
                   help="equilibrium solver (default: the scenario's solver.backend)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("scenarios", help="list the shipped scenario library")
    p.set_defaults(handler=cmd_scenarios)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("init", help="start a new scenario from the commented template")
    p.add_argument("name", help="file name (\".toml\" added if missing)")
    p.set_defaults(handler=cmd_init)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    from .cli_analysis import register as analysis
    from .cli_maps import register as maps

    return [maps, analysis]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (ScenarioError, UsageError) as err:
        print(f"triangle: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        name = getattr(err, "filename", None) or ""
        print(f"triangle: {name}: {err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
