"""Presentation: the ``triangle`` command, figures and reports.

Owns: :mod:`~triangle.presentation.cli` (and its command modules), :mod:`~triangle.presentation.plot`,
:mod:`~triangle.presentation.plot_analysis`, :mod:`~triangle.presentation.report`.
May import: every layer below (analysis, wedge, partnership, scenario, solvers, common).
Nothing below imports this package; result objects reach its figures through the hooks it
registers here (:mod:`triangle.common.hooks`).  Registration is cheap: matplotlib loads only
when a figure is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from triangle.common import hooks

_FIGURES = {
    "plot.equilibrium_map": ("triangle.presentation.plot", "plot_map"),
    "plot.tornado": ("triangle.presentation.plot_analysis", "tornado"),
    "plot.index_bars": ("triangle.presentation.plot_analysis", "index_bars"),
    "plot.discovery": ("triangle.presentation.plot_analysis", "discovery_figure"),
    "plot.path": ("triangle.presentation.plot_report", "path_figure"),
    "report.markdown": ("triangle.presentation.report", "render_text"),
    "report.html": ("triangle.presentation.report_html", "outcome_html"),
    "plot.comparison": ("triangle.presentation.plot_compare", "comparison_figure"),
    "plot.qre_branch": ("triangle.presentation.plot_bounded", "plot_branch"),
    "plot.learning": ("triangle.presentation.plot_bounded", "plot_learning"),
}


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on the first call (keeps matplotlib out of start-up)."""
    def draw(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    return draw


for _hook, (_module, _name) in _FIGURES.items():
    hooks.register(_hook, _lazy(_module, _name))
