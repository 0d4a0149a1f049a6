"""Shared helpers: build vectorised models from a few parameter values."""

import numpy as np
import pytest

from triangle.parameters import defaults
from triangle.strategies import parse_library
from triangle.wedge import make_model

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


@pytest.fixture
def rng():
    return np.random.default_rng(20261128)
