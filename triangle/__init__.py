"""strategic-triangle: can a divider split a target from its partner?"""

__version__ = "0.1.0"
