"""Security for the web layer: response headers, optional API keys, CORS for newsroom tools, CSRF for the form.

- Headers: a CSP with no inline script (the form uses inline SVG only), nosniff, no framing, no referrer leaks.
- API keys: when FRAMING_API_KEYS is set, /api/v1/* (except the OpenAPI document) needs `Authorization: Bearer
  <key>`; keys are compared in constant time. /healthz stays open for the platform's health checks.
- CORS: origins in FRAMING_CORS_ORIGINS (exact match, or "*") may call the API from a browser.
- CSRF: POSTs to the "web" blueprint carry a token from ``csrf_token()`` (a Jinja global) that is signed with
  SECRET_KEY and bound to a random cookie (double submit), so another site can neither forge nor replay one.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from itsdangerous import BadData, URLSafeTimedSerializer

from .errors import ApiError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
API_PREFIX = "/api/v1/"
# Open even when API keys are set: the platform's health check and the interface description.
OPEN_PATHS = frozenset({"/healthz", "/api/v1/openapi.json"})
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, X-Request-ID"
CORS_MAX_AGE = "600"

CSRF_COOKIE = "framing_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# A form left open for a working day still posts; older tokens are refused and the page offers a fresh one.
CSRF_MAX_AGE = 12 * 3600
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HEX = frozenset("0123456789abcdef")


def init_app(app: Flask) -> None:
    """Register security headers, API-key and CSRF checks, CORS, and the ``csrf_token`` Jinja global."""
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _access():
        if request.method == "OPTIONS" and _is_cors_path(request.path):
            preflight = _preflight()
            if preflight is not None:
                return preflight
        if request.path.startswith(API_PREFIX) and request.path not in OPEN_PATHS and request.method != "OPTIONS":
            _require_api_key()
        if request.blueprint == "web" and request.method in _UNSAFE:
            check_csrf()
        return None

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _is_cors_path(request.path):
            h.add("Vary", "Origin")
            origin = _allowed_origin()
            if origin:
                h["Access-Control-Allow-Origin"] = origin
                h["Access-Control-Expose-Headers"] = "X-Request-ID"
        challenge = g.pop("www_authenticate", None)
        if challenge and response.status_code == 401:
            h["WWW-Authenticate"] = challenge
        token = g.pop("csrf_cookie", None)
        if token:
            response.set_cookie(CSRF_COOKIE, token, max_age=CSRF_MAX_AGE, httponly=True, samesite="Lax",
                                secure=request.is_secure, path="/")
            h.add("Vary", "Cookie")
        return response


# ---- API keys --------------------------------------------------------------------------------------------------

def _api_keys() -> list[str]:
    keys = current_app.config.get("FRAMING_API_KEYS") or []
    if isinstance(keys, str):
        keys = keys.split(",")
    return [k.strip() for k in keys if k and k.strip()]


def _require_api_key() -> None:
    keys = _api_keys()
    if not keys:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    given = given.strip().encode("utf-8", "surrogateescape")
    ok = False
    # Check every key without stopping early, so timing does not tell which (or whether a prefix) matched.
    for key in keys:
        ok |= hmac.compare_digest(given, key.encode("utf-8"))
    if scheme.lower() == "bearer" and ok:
        return
    # errors.py builds the body; the header is added on the way out (see _headers).
    g.www_authenticate = 'Bearer realm="framing"' + (', error="invalid_token"' if given else "")
    raise ApiError(401, "unauthorized", "This API needs a key: send `Authorization: Bearer <key>`.")


# ---- CORS ------------------------------------------------------------------------------------------------------

def _is_cors_path(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == "/healthz"


def _allowed_origin() -> str | None:
    """Return the value for Access-Control-Allow-Origin, or None when the request's origin is not allowed."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    allowed = {o.strip().rstrip("/").lower() for o in current_app.config.get("FRAMING_CORS_ORIGINS") or []}
    if "*" in allowed:
        return "*"
    return origin if origin.rstrip("/").lower() in allowed else None


def _preflight():
    """Answer a CORS preflight from an allowed origin; others fall through to Flask's plain OPTIONS answer."""
    if "Access-Control-Request-Method" not in request.headers:
        return None
    origin = _allowed_origin()
    if origin is None:
        return None
    response = current_app.response_class(status=204)
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
    response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
    response.headers["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


# ---- CSRF ------------------------------------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="framing-csrf")


def csrf_token() -> str:
    """Return a form token for this browser (setting its CSRF cookie on the response when it has none)."""
    if "csrf_token" in g:
        return g.csrf_token
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if not (len(nonce) == 32 and all(c in _HEX for c in nonce)):
        nonce = secrets.token_hex(16)
        g.csrf_cookie = nonce
    g.csrf_token = _serializer().dumps(nonce)
    return g.csrf_token


def _netloc(url: str) -> str | None:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return None


def check_csrf() -> None:
    """Refuse a state-changing form request without a valid token bound to this browser's cookie (403)."""
    origin = request.headers.get("Origin")
    if origin and origin != "null" and _netloc(origin) != request.host.lower():
        raise ApiError(403, "csrf_failed", "Cross-site form posts are not accepted.")
    token = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not token or not cookie:
        raise ApiError(403, "csrf_failed", "The form token is missing; reload the page and submit again.")
    try:
        nonce = _serializer().loads(token, max_age=CSRF_MAX_AGE)
    except BadData as exc:
        raise ApiError(403, "csrf_failed", "The form token is invalid or expired; reload the page.") from exc
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), cookie.encode("utf-8", "replace")):
        raise ApiError(403, "csrf_failed", "The form token does not match this browser; reload the page.")
