"""Algorithms in pure NumPy/Numba, usable from a notebook. No Qt here.

Topic modules: ``svm``, ``pca``, ``gmm``, ``hmm``, ``kalman``, ``particle``, ``mcmc``,
``linear``, ``pgm``.
"""

TOPICS = ("svm", "pca", "gmm", "hmm", "kalman", "particle", "mcmc", "linear", "pgm")
