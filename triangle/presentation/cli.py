"""The ``triangle`` command.

Every command reads scenario files as data, reports bad input as one line on stderr
(file, dotted key, what was expected, what was found) with exit code 2, and writes
output files atomically (a temporary file renamed into place), so a failed run leaves
no half-written file behind.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from triangle.analysis.execution import warm_pool
from triangle.common.atomic import atomic_replace
from triangle.common.version import __version__
from triangle.presentation import cli_checks, cli_crosscheck
from triangle.presentation.cli_analysis import register as register_analysis
from triangle.presentation.cli_bounded import register as register_bounded
from triangle.presentation.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    UsageError,
    add_scenario_args,
    resolve_scenario,
    scenario_from_args,
)
from triangle.presentation.cli_compare import register as register_compare
from triangle.presentation.cli_maps import register as register_maps
from triangle.presentation.cli_report import register as register_report
from triangle.presentation.progress import progress_line
from triangle.scenario.files import (
    ScenarioError,
    library_dir,
    list_library,
    load_scenario,
)
from triangle.solvers.registry import backends


def cmd_run(args: argparse.Namespace) -> int:
    from triangle.presentation.cli_report import write_report
    from triangle.presentation.report import dumps, outcome_dict, render_text
    from triangle.wedge.solve import solve

    scenario = scenario_from_args(args.file, args.sets)
    cli_checks.output_path("--report", args.report)
    if args.samples is not None:
        if args.check:
            raise UsageError("--check: applies to one run, not to --samples")
        from triangle.presentation.cli_uncertainty import run_samples

        return run_samples(scenario, args)
    outcome = solve(scenario, backend=args.solver)
    text = render_text(outcome, args.all_equilibria)
    check = cli_crosscheck.cross_checked(scenario, args.quick, outcome) if args.check else None
    if args.report:
        write_report(args.report, scenario, outcome, args.all_equilibria)
    if args.json:
        print(dumps(outcome) if check is None else json.dumps(
            {**outcome_dict(outcome), "check": check.to_dict()}, indent=2, allow_nan=False))
    else:
        print(text if check is None else f"{text}\n\n{check}")
    return 0 if check is None else cli_crosscheck.exit_code(check)


#: Sources that stand for none: the template's placeholder and the like.
PLACEHOLDER_SOURCES = {"", "...", "todo", "tbd", "source", "sources"}


def cmd_validate(args: argparse.Namespace) -> int:
    for file in args.files:
        file = resolve_scenario(file)
        scenario = load_scenario(file)
        print(f"{file}: ok ({scenario.name}, hash {scenario.param_hash()})")
        sources = [str(x).strip() for x in scenario.settings["scenario.sources"]]
        if any(x.lower().strip(".").strip() in PLACEHOLDER_SOURCES for x in sources):
            print(f"triangle: warning: {file}: scenario.sources: expected a source for the "
                  f"numbers, found the placeholder {sources!r}", file=sys.stderr)
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    for stem, description in list_library():
        print(f"{stem:28s} {description}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from triangle.scenario.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.name if args.name.endswith(".toml") else f"{args.name}.toml")
    if target.exists():
        raise UsageError(f"{target}: expected a new file name, found an existing file")
    source = library_dir() / "template.toml"
    if args.origin:
        source = Path(resolve_scenario(args.origin))
        load_scenario(source)  # a valid scenario, or the usual one-line error
    atomic_replace(target, lambda tmp: shutil.copyfile(source, tmp))
    print(f"wrote {target}; edit it, then: triangle validate {target}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = cli_checks.OneLineParser(
        prog="triangle", description="Game-theory simulator of a strategic triangle.")
    parser.add_argument("--version", action="version", version=f"strategic-triangle {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="solve one scenario and report the verdict and why")
    add_scenario_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--report", metavar="FILE",
                   help="also write the report to a file: HTML for .html, else Markdown")
    p.add_argument("--all-equilibria", action="store_true",
                   help="list every equilibrium, not only the admissible ones")
    p.add_argument("--solver", choices=backends(),
                   help="equilibrium solver (default: the scenario's solver.backend)")
    p.add_argument("--samples", type=int, metavar="N",
                   help="draw N points of the parameters given as distributions and report the "
                        "probability of each verdict")
    p.add_argument("--seed", type=int, default=0, help="seed of the draws (default 0)")
    p.add_argument("--check", action="store_true",
                   help="also solve the final games with nashpy and report any difference "
                        "(exit 1 if the solvers differ): see `triangle check`")
    cli_crosscheck.add_quick(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("scenarios", help="list the shipped scenario library")
    p.set_defaults(handler=cmd_scenarios)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser("init", help="start a new scenario from the commented template or a library one")
    p.add_argument("name", help="file name (\".toml\" added if missing)")
    p.add_argument("--from", dest="origin", metavar="SCENARIO",
                   help="start from this scenario (a file or a library name) instead of the template")
    p.set_defaults(handler=cmd_init)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    return [register_maps, register_analysis, register_bounded, register_compare, register_report,
            cli_crosscheck.register]


#: Commands that take ``--workers N`` for a local process pool.
POOL_COMMANDS = ("map", "sweep")


def _warm_pool_early(argv: Sequence[str] | None) -> None:
    """A local pool's workers take most of a second to import the model: where the command line
    asks for one, start their forkserver (:func:`triangle.analysis.execution.warm_pool`) before
    anything else, so that this happens while the command reads its input."""
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] and words[0] in POOL_COMMANDS and "--dask" not in words and any(
            w == "--workers" or w.startswith("--workers=") for w in words):
        warm_pool()


def main(argv: Sequence[str] | None = None) -> int:
    _warm_pool_early(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with progress_line(f"triangle {args.command}"):  # on a terminal only, after ~2 s
            return int(args.handler(args) or 0)
    except (ScenarioError, UsageError) as err:
        print(f"triangle: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`triangle run ... | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as err:
        name = getattr(err, "filename", None) or ""
        print(f"triangle: {name}: {err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as err:
        if str(err):
            print(f"triangle: {err}", file=sys.stderr)
        return EXIT_INTERRUPTED


def console(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``triangle`` command: :func:`main`, then an exit that skips the interpreter's teardown.

    Tearing down pandas, scipy and matplotlib object by object takes 0.3 to 0.5 s after the
    command's work is done, memory the operating system takes back at once anyway.  The
    streams are flushed and every exit handler runs as in a normal exit; only the teardown
    (and the final garbage collection) is skipped, as in Instagram's
    ``atexit.register(os._exit, 0)`` (Instagram Engineering 2017).
    """
    code = main(argv)
    for thread in threading.enumerate():  # what a normal exit waits for
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: as in main
        code = 141
    os._exit(code)


if __name__ == "__main__":
    console()
