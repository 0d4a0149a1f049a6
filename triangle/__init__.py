"""strategic-triangle: can a divider split a target from its partner?

A thin facade over the model's modules (one idea each):

>>> import triangle
>>> s = triangle.load_scenario(triangle.library_dir() / "wedge_optimist_2025.toml")
>>> triangle.solve(s, backend="batched").verdict
'success'
"""

__version__ = "0.1.0"

from .api import evaluate_scenario, record, solve
from .outcome import Outcome
from .scenario import (
    Scenario,
    ScenarioError,
    library_dir,
    load_scenario,
    parse_scenario,
)
from .strategies import Strategy, parse_strategy, register

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
