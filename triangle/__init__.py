"""strategic-triangle: can a divider split a target from its partner?

A thin facade over the model's modules (one idea each):

>>> import triangle
>>> s = triangle.load_scenario(triangle.library_dir() / "wedge_optimist_2025.toml")
>>> triangle.solve(s, backend="batched").verdict
'success'
"""

import triangle.presentation  # noqa: F401  (registers the figure hooks of result objects)
from triangle.common.version import __version__
from triangle.partnership.strategies import Strategy, parse_strategy, register
from triangle.scenario.files import (
    Scenario,
    ScenarioError,
    library_dir,
    load_scenario,
    parse_scenario,
)
from triangle.wedge.outcome import Outcome
from triangle.wedge.solve import evaluate_scenario, record, solve

__all__ = [
    "Outcome",
    "Scenario",
    "ScenarioError",
    "Strategy",
    "__version__",
    "evaluate_scenario",
    "library_dir",
    "load_scenario",
    "parse_scenario",
    "parse_strategy",
    "record",
    "register",
    "solve",
]
