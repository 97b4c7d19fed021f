"""Security for the web layer, from the extensions Flask users know, plus the few checks they do not make.

- Headers (flask-talisman): a CSP with no inline script (the form uses inline SVG only), nosniff, no framing, no
  referrer to other sites (same-origin: under no-referrer, browsers send "Origin: null" on the form's own POSTs), a
  permissions policy; HSTS over https; FRAMING_FORCE_HTTPS redirects plain http.
- CORS (flask-cors): origins in FRAMING_CORS_ORIGINS (exact match, or "*") may call the API and /healthz from a
  browser; preflights need no key.
- CSRF (Flask-WTF): POSTs to the form carry a token tied to the signed session cookie, so the client can neither
  choose nor replay another browser's; the Origin header, when sent, must be this very site (scheme and host), and
  "null" is refused.
- Rate limits (Flask-Limiter): per client address, FRAMING_RATE_LIMIT_API on /api/v1/* (requests with wrong keys
  count too) and FRAMING_RATE_LIMIT_FORM on the form's POST; 429 with Retry-After. Counters live in
  FRAMING_RATE_LIMIT_STORAGE (memory:// per worker by default; a redis:// URL shares them across workers and dynos).
- API keys (ours: no extension does bearer keys better): when FRAMING_API_KEYS is set, /api/v1/* (except the
  OpenAPI document) needs `Authorization: Bearer <key>`, compared in constant time. /healthz stays open.
See docs/security.md for the limits, how to set them, and the threat model.
"""
from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from .errors import ApiError

CSP = {"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
       "object-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'none'", "form-action": "'self'"}
PERMISSIONS = {"camera": "()", "microphone": "()", "geolocation": "()"}
API_PREFIX = "/api/v1/"
# Open even when API keys are set: the platform's health check and the interface description.
OPEN_PATHS = frozenset({"/healthz", "/api/v1/openapi.json"})
CORS_HEADERS = ["Authorization", "Content-Type", "X-Request-ID"]
# A browser may cache a preflight for 10 minutes (Chromium's own cap is 2 hours).
CORS_MAX_AGE = 600
# A form left open for a working day still posts; older tokens are refused and the page offers a fresh one.
CSRF_MAX_AGE = 12 * 3600
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

csrf = CSRFProtect()


def _api_limit() -> str:
    return current_app.config.get("FRAMING_RATE_LIMIT_API") or "120 per minute"


def _form_limit() -> str:
    return current_app.config.get("FRAMING_RATE_LIMIT_FORM") or "20 per minute"


def _not_api() -> bool:
    return not request.path.startswith(API_PREFIX) or request.path in OPEN_PATHS or request.method == "OPTIONS"


def _limiter() -> Limiter:
    """A Limiter for one app. Every API route gets the API limit (counted per route and client); the form's
    blueprint is limited on POST by form_limit() (service/web/__init__.py); /healthz, the OpenAPI document and
    preflights are never limited."""
    return Limiter(key_func=get_remote_address, default_limits=[_api_limit], default_limits_exempt_when=_not_api,
                   headers_enabled=True, strategy="moving-window")


class _SessionCookies(SecureCookieSessionInterface):
    """The session cookie (which holds the CSRF secret) is Secure whenever the request came over https."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    """Register headers, CORS, CSRF, rate limits and API-key checks on ``app``."""
    app.session_interface = _SessionCookies()
    hops = int(app.config.get("FRAMING_PROXY_HOPS") or 0)
    if hops:
        # Behind that many trusted proxies (Heroku's router is one), the client is the address they forwarded:
        # rate limits count clients, not the router.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", CSRF_MAX_AGE)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("FRAMING_RATE_LIMIT_STORAGE") or "memory://")
    app.config.setdefault("RATELIMIT_ENABLED", app.config.get("FRAMING_RATE_LIMITS", True))
    # Limits first, so that a request with a wrong key is counted before it is refused. One Limiter per app, so
    # that apps built in one process (tests, the CLI) do not share counters.
    limiter = _limiter()
    limiter.init_app(app)
    app.extensions["framing_limiter"] = limiter
    app.before_request(_check_api_key)
    Talisman(app, force_https=bool(app.config.get("FRAMING_FORCE_HTTPS")), frame_options="DENY",
             content_security_policy=CSP, referrer_policy="same-origin", permissions_policy=PERMISSIONS,
             session_cookie_secure=False, strict_transport_security=True,
             strict_transport_security_include_subdomains=False)
    origins = app.config.get("FRAMING_CORS_ORIGINS") or []
    if origins:
        CORS(app, resources={r"/api/v1/*": {"origins": origins}, r"/healthz": {"origins": origins}},
             methods=["GET", "POST", "DELETE", "OPTIONS"], allow_headers=CORS_HEADERS, expose_headers=["X-Request-ID"],
             max_age=CORS_MAX_AGE, vary_header=True, send_wildcard="*" in origins)
    # Flask-WTF checks only what _protect_forms hands it: the API authenticates by bearer key, never by cookie, so
    # cross-site request forgery has nothing to ride on there.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_protect_forms)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        from .errors import error_response

        return error_response(403, "csrf_failed", f"The form token is missing, invalid or expired "
                                                  f"({exc.description}); reload the page and submit again.")

    @app.after_request
    def _more_headers(response):
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith(API_PREFIX) or request.path == "/healthz":
            response.vary.add("Origin")
        challenge = g.pop("www_authenticate", None)
        if challenge and response.status_code == 401:
            response.headers["WWW-Authenticate"] = challenge
        return response

    app.jinja_env.globals["csrf_token"] = generate_csrf


def form_limit(app: Flask, blueprint) -> None:
    """Limit the POSTs of a server-rendered blueprint (FRAMING_RATE_LIMIT_FORM): the form runs comparisons with no
    key. Call before registering the blueprint."""
    app.extensions["framing_limiter"].limit(_form_limit, methods=["POST"])(blueprint)


# ---- API keys --------------------------------------------------------------------------------------------------

def _api_keys() -> list[str]:
    keys = current_app.config.get("FRAMING_API_KEYS") or []
    if isinstance(keys, str):
        keys = keys.split(",")
    return [k.strip() for k in keys if k and k.strip()]


def _check_api_key() -> None:
    if request.path.startswith(API_PREFIX) and request.path not in OPEN_PATHS and request.method != "OPTIONS":
        require_api_key()


def require_api_key() -> None:
    """Refuse the request (401) unless it carries one of FRAMING_API_KEYS as a bearer token (when any are set)."""
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
    g.www_authenticate = 'Bearer realm="framing"' + (', error="invalid_token"' if given else "")
    raise ApiError(401, "unauthorized", "This API needs a key: send `Authorization: Bearer <key>`.")


# ---- Origin ----------------------------------------------------------------------------------------------------

def _protect_forms() -> None:
    """Check the Origin and the CSRF token of every state-changing request outside the API (the web pages)."""
    if request.method not in _UNSAFE or request.path.startswith(API_PREFIX) or request.endpoint is None:
        return
    check_origin()
    csrf.protect()


def check_origin() -> None:
    """Refuse a state-changing form request whose Origin is another site, another scheme, or "null" (403).

    Flask-WTF checks the token (and the Referer over https); browsers send Origin on every cross-site POST, and an
    attacker's sandboxed frame or data: page sends "null", which is never this site.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return
    try:
        parts = urlsplit(origin)
        same = parts.scheme == request.scheme and parts.netloc.lower() == request.host.lower()
    except ValueError:
        same = False
    if not same:
        raise ApiError(403, "csrf_failed", "Cross-site form posts are not accepted.")
