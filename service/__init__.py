"""The framing service.

The analysis core (service.analysis) never imports Flask; the web layer (service.app and its blueprints) is
imported only when an app is created, so a batch job or a notebook can use the core without it.
"""


def create_app(test_config: dict | None = None):
    """Create the Flask app (see service.app.create_app)."""
    from .app import create_app as _create_app

    return _create_app(test_config)
