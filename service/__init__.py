"""The framing service.

The analysis core (service.analysis) never imports Flask; the web layer (service.app and its blueprints) is
imported only when an app is created, so a batch job or a notebook can use the core without it.
"""
import os

# One BLAS thread per process, set before numpy loads its BLAS (this package is imported before the analysis core):
# a worker analyses one article at a time and the workers are the parallelism, so more threads only oversubscribe
# the cores; and OpenBLAS sums a matrix product in a thread-count-dependent order, so the target head's encoder
# states (service/analysis/encoder.py) would differ by ~1e-6 between a 1- and a 2-thread process. A host that sets
# these variables keeps its own values.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def create_app(test_config: dict | None = None):
    """Create the Flask app (see service.app.create_app)."""
    from .app import create_app as _create_app

    return _create_app(test_config)
