"""prmlab: a visual lab for classic pattern recognition."""

__version__ = "0.1.0"
