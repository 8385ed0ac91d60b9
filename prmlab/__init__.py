"""prmlab: a visual lab for classic pattern recognition.

Importing prmlab changes nothing in the process; the app's tuning is ``prmlab._process``.
"""

__version__ = "0.1.0"
