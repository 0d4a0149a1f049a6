"""Scenario input: TOML files -> validated, immutable parameters, addressed by dotted paths.

Owns: the declarative registry of parameters (:mod:`~triangle.scenario.parameters`), reading
and validating files and overrides (:mod:`~triangle.scenario.files`), the one range rule and
parser with its library error (:mod:`~triangle.scenario.ranges`), the JSON Schema
(:mod:`~triangle.scenario.schema`) and the shipped library (``library/*.toml``, package data).
May import: :mod:`triangle.common` and :mod:`triangle.solvers`.  Strategy names are checked
through the hooks that :mod:`triangle.partnership.strategies` registers.
"""

from triangle.scenario.files import (
    Scenario,
    ScenarioError,
    library_dir,
    list_library,
    load_scenario,
    parse_override,
    parse_scenario,
)

__all__ = ["Scenario", "ScenarioError", "library_dir", "list_library", "load_scenario",
           "parse_override", "parse_scenario"]
