"""The outputs a sensitivity analysis can measure, by name.

Kept apart from :mod:`triangle.analysis.sensitivity` so that the command line can offer
them as choices without importing pandas at start-up.

>>> INDICATOR_OUTPUTS[:2]
('success', 'verdict:success')
"""

from __future__ import annotations

from triangle.wedge.reasons import VERDICTS

#: Numeric columns of a table that an analysis can take as its output.
NUMERIC_OUTPUTS = ("margin", "p_schism", "r_star", "r_star_max", "r_max", "m_max", "counter_offer",
                   "cohesion_change", "pv_divider", "pv_target", "pv_partner")
#: 0/1 outputs: a success, or one verdict.
INDICATOR_OUTPUTS = ("success", *(f"verdict:{v}" for v in VERDICTS))
