"""The served OpenAPI document is valid, and a newsroom developer's generated client works against the service.

openapi-spec-validator checks the document against the OpenAPI 3 schema; openapi-python-client (the usual first
move of a developer) generates a Python client from it, which then calls analyze and compare on the seeds through
a real HTTP server (werkzeug's, on 127.0.0.1) and the generated models parse the answers.
"""
from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import threading

import pytest
from openapi_spec_validator import validate
from werkzeug.serving import make_server


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_document_validates(spec):
    validate(spec)


def test_every_operation_documents_its_answers(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            assert op.get("summary"), (method, path)
            for status, response in op["responses"].items():
                assert "$ref" in response or response.get("description"), (method, path, status)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}


@pytest.fixture(scope="module")
def server(app):
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def client_package(spec, tmp_path_factory):
    """Generate a client with openapi-python-client into a temp dir and import it."""
    exe = shutil.which("openapi-python-client") or str(__import__("pathlib").Path(sys.executable).parent /
                                                       "openapi-python-client")
    work = tmp_path_factory.mktemp("client")
    (work / "openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run([exe, "generate", "--path", "openapi.json", "--meta", "none", "--output-path", "framing_client"],
                          cwd=work, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Error" not in done.stdout and "Warning" not in done.stdout, done.stdout[-3000:]
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module("framing_client")
    finally:
        sys.path.remove(str(work))
        for name in [m for m in sys.modules if m == "framing_client" or m.startswith("framing_client.")]:
            del sys.modules[name]


def test_generated_client_analyses_and_compares_the_seeds(client_package, server, seeds):
    from framing_client import Client
    from framing_client.api.analyze import post_api_v1_analyze
    from framing_client.api.compare import post_api_v1_compare
    from framing_client.models import AnalyzeRequest, CompareArticle, CompareRequest

    client = Client(base_url=server, raise_on_unexpected_status=True, timeout=120)
    seed = seeds[3]
    result = post_api_v1_analyze.sync(client=client, body=AnalyzeRequest(text=seed["text"], outlet=seed["outlet"]))
    assert result.outlet == seed["outlet"]
    assert result.loaded_terms.density > 0
    hit = result.loaded_terms.hits[0]
    assert seed["text"][hit.start:hit.end] == hit.term
    articles = [CompareArticle(outlet=row["outlet"], text=row["text"]) for row in seeds[:4]]
    comparison = post_api_v1_compare.sync(client=client, body=CompareRequest(articles=articles))
    assert comparison.outlets == ["The Moscow Times", "Breitbart News"]
    assert len(comparison.articles) == 4
