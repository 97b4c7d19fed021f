"""The server-rendered comparison form."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__)
