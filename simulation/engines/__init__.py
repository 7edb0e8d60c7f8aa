"""Engines that execute the firm model: ``mesa`` (reference) and, later, ``numba``."""
