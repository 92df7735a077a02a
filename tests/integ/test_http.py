"""The HTTP foundation: public endpoints, errors, parameters declared in
the route table, security headers, static files, metrics, OpenAPI,
keep-alive."""
import http.client
import json
import socket
import time

import requests

SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                    "X-Frame-Options"]


def assert_error(r, status, code, field=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if field is not None:
        assert body["error"]["field"] == field


def test_healthz(server):
    r = server.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_security_headers_everywhere(server):
    for path in ["/healthz", "/", "/api/v1/units/00364", "/no/such/thing", "/api/v1/units?x=1"]:
        r = server.get(path)
        for h in SECURITY_HEADERS:
            assert h in r.headers, (path, h)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers.get("X-Request-Id")


def test_unknown_path_is_404_json(server):
    assert_error(server.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(server.get("/definitely/not/a/file.js"), 404, "not_found")


def test_wrong_method_is_405_with_allow(server):
    r = requests.delete(server.url + "/api/v1/units/00364", timeout=10)
    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]


def test_undeclared_parameter_refused(server):
    r = server.get("/api/v1/units/00364?evil=1")
    assert_error(r, 400, "unknown_parameter", "evil")


def test_repeated_parameter_refused(server):
    r = server.get("/api/v1/units?q=a&q=b")
    assert_error(r, 400, "duplicate_parameter", "q")


def test_invalid_enum_and_int(server):
    assert_error(server.get("/api/v1/units/00364?scheme=1990"), 400, "invalid_parameter", "scheme")
    assert_error(server.get("/api/v1/units?limit=abc"), 400, "invalid_parameter", "limit")
    assert_error(server.get("/api/v1/units?limit=0"), 400, "invalid_parameter", "limit")
    assert_error(server.get("/api/v1/units?cursor=%27%3B--"), 400, "invalid_parameter", "cursor")


def test_path_parameter_validated(server):
    assert_error(server.get("/api/v1/units/abc"), 400, "invalid_parameter", "code")


def test_limit_is_clamped_not_refused(server):
    r = server.get("/api/v1/units?limit=100000&scheme=2025")
    assert r.status_code == 200
    body = r.json()
    assert len(body["items"]) == 500
    assert body["next_cursor"]


def test_openapi_describes_every_route(server):
    r = server.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for p in ["/healthz", "/metrics", "/api/v1/units", "/api/v1/units/{code}",
              "/api/v1/units/{code}/children", "/api/v1/units/{code}/successors"]:
        assert p in paths, p
        assert "get" in paths[p]
    params = {p["name"]: p for p in paths["/api/v1/units"]["get"]["parameters"]}
    assert {"q", "limit", "cursor", "format"} <= set(params)
    assert params["format"]["schema"]["enum"] == ["json", "csv", "xlsx"]
    code = [p for p in paths["/api/v1/units/{code}"]["get"]["parameters"] if p["name"] == "code"]
    assert code and code[0]["in"] == "path" and code[0]["required"] is True
    # every operation names its parameters with a schema, and the document
    # is what the router enforces: an undeclared parameter is refused
    for path, item in paths.items():
        for method, op in item.items():
            for p in op["parameters"]:
                assert p["name"] and "schema" in p, (path, method, p)
    assert server.get("/api/v1/units?notdeclared=1").status_code == 400


def test_metrics_count_requests(server):
    for _ in range(3):
        server.get("/api/v1/units/00364")
    r = server.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    text = r.text
    line = [l for l in text.splitlines() if l.startswith(
        'pccc_http_requests_total{method="GET",route="/api/v1/units/{code}",status="2xx"}')]
    assert line and int(line[0].split()[-1]) >= 3
    assert 'pccc_http_request_duration_seconds_bucket{method="GET",route="/api/v1/units/{code}",le="+Inf"}' in text
    assert "# TYPE pccc_http_request_duration_seconds histogram" in text


def test_static_console_with_etag(server):
    r = server.get("/")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert '<html lang="vi"' in r.text
    etag = r.headers["ETag"]
    r2 = server.get("/", headers={"If-None-Match": etag})
    assert r2.status_code == 304
    assert r2.content == b""
    leaflet = server.get("/vendor/leaflet/leaflet.js")
    assert leaflet.status_code == 200
    assert "max-age" in leaflet.headers["Cache-Control"]
    assert leaflet.headers["Content-Type"].startswith("text/javascript")
    css = server.get("/vendor/leaflet/leaflet.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_path_traversal_refused(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 404") or data.startswith(b"HTTP/1.1 400")
    assert b"root:" not in data


def test_keep_alive_reuses_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/healthz")
    r1 = conn.getresponse()
    r1.read()
    sock1 = conn.sock
    assert sock1 is not None
    assert (r1.getheader("Connection") or "").lower() != "close"
    for _ in range(5):
        conn.request("GET", "/api/v1/units/00364")
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        assert conn.sock is sock1, "server closed the keep-alive connection"
    conn.close()


def test_request_id_in_logs(server):
    r = server.get("/api/v1/units/00364")
    rid = r.headers["X-Request-Id"]
    deadline = time.time() + 5
    while time.time() < deadline:
        if any(l.get("request_id") == rid and l.get("msg") == "request" for l in server.logs):
            break
        time.sleep(0.05)
    entries = [l for l in server.logs if l.get("request_id") == rid]
    assert entries, "no log line carries the request id"
    e = entries[-1]
    assert e["path"] == "/api/v1/units/00364" and e["status"] == 200
    assert "ts" in e and "level" in e


def test_config_json(server):
    r = server.get("/config.json")
    assert r.status_code == 200
    assert r.json()["tile_url"] == ""
    assert "tile_attribution" in r.json()


def test_tile_url_configurable_and_allowed_by_csp(fresh_server):
    s = fresh_server(extra=["--tile-url", "https://{s}.tiles.example.vn/{z}/{x}/{y}.png",
                            "--tile-attribution", "© bản đồ mẫu"])
    cfg = s.get("/config.json").json()
    assert cfg["tile_url"].startswith("https://{s}.tiles.example.vn/")
    assert cfg["tile_attribution"] == "© bản đồ mẫu"
    csp = s.get("/").headers["Content-Security-Policy"]
    img = [d for d in csp.split(";") if d.strip().startswith("img-src")][0]
    assert "https://*.tiles.example.vn" in img


def test_oversized_body_refused_and_server_keeps_serving(server):
    big = b'{"username":"' + b"a" * (2 * 1024 * 1024) + b'","password":"x"}'
    r = requests.post(server.url + "/api/v1/auth/login", data=big,
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert_error(r, 413, "payload_too_large")
    assert server.get("/healthz").status_code == 200


def test_malformed_json_body_is_400(server):
    for body in [b"{", b"[]", b'{"username":"a","username":"b","password":"x"}', b"\xff\xfe"]:
        r = requests.post(server.url + "/api/v1/auth/login", data=body,
                          headers={"Content-Type": "application/json"}, timeout=10)
        assert_error(r, 400, "invalid_json")
    r = requests.post(server.url + "/api/v1/auth/login", data=b'{"username":"a"}',
                      headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415
