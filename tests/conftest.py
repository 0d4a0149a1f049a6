"""Shared helpers: build vectorised models from a few parameter values."""

import os
import platform
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from triangle.partnership.strategies import parse_library
from triangle.scenario.parameters import defaults
from triangle.wedge.model import make_model

BASE = {
    "partnership.value.target": 4.0,
    "partnership.value.partner": 3.0,
    "schism.cost.target": 5.0,
    "schism.cost.partner": 5.0,
    "schism.value_to_divider": 10.0,
}


def build(strategies=("Loyal", "Realign"), selection="payoff_dominant", backend="batched",
          search_backend="admissible", relation="-", **values):
    """A model at one or many points; keyword names use ``__`` for dots."""
    v = defaults()
    v.update(BASE)
    v.update({k.replace("__", "."): val for k, val in values.items()})
    return make_model(v, parse_library(list(strategies)), selection, backend, relation,
                      search_backend)


# Hypothesis profiles, chosen by TRIANGLE_HYPOTHESIS_PROFILE: "bounded" (default, `make test`:
# a few dozen derandomised examples, so every run of the suite draws the same ones) and
# "fuzz" (`make fuzz`: thousands of fresh examples, failures kept in .hypothesis/).
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("bounded", max_examples=25, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_SLOW, print_blob=True)
settings.register_profile("fuzz", max_examples=3000, deadline=None, suppress_health_check=_SLOW,
                          print_blob=True)
settings.load_profile(os.environ.get("TRIANGLE_HYPOTHESIS_PROFILE", "bounded"))


@pytest.fixture
def rng():
    return np.random.default_rng(20261128)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def pytest_report_header(config) -> list[str]:
    """The machine in the header, so a failure seen elsewhere can be read: round-off depends
    on the processor and the BLAS kernel."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    kernel = ", ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
                       if k in os.environ)
    return [f"machine: {platform.machine()}, {_cpu_model()}, {os.cpu_count()} cpus",
            f"numpy {np.__version__}, BLAS {blas.get('name')} {blas.get('version')}"
            + (f" ({kernel})" if kernel else "")]


@pytest.fixture
def nashpy_drops_one(monkeypatch):
    """nashpy's set in the cross-check without its last equilibrium, as a missed extreme
    point would be (tests of `triangle check` and :mod:`triangle.wedge.crosscheck`)."""
    from triangle.solvers import reference
    from triangle.wedge import crosscheck

    honest = reference.game_equilibria

    def drops(A, B, tol, unit, methods):
        found = honest(A, B, tol, unit, methods)
        return reference.GameEquilibria(found.equilibria[:-1], found.degenerate, [],
                                        found.method, found.notes)
    monkeypatch.setattr(crosscheck, "game_equilibria", drops)
