"""Helpers for the accounts tests: signing in, requests from another
loopback source address (127.0.0.2 ... are all this machine), and a demo
server shared by a module."""
import http.client
import json

import requests

DEMO_PASSWORD = "Pccc@2025demo"
DEMO_USERS = {
    "commune_officer": "demo.canbo",
    "fire_team": "demo.doipccc",
    "city_fire_police": "demo.pc07",
    "dispatcher": "demo.dieudo",
    "citizen": "demo.chuho",
    "facility_owner": "demo.coso",
    "auditor": "demo.kiemtra",
    "admin": "demo.quantri",
}


def login(url, username, password=DEMO_PASSWORD):
    r = requests.post(url + "/api/v1/auth/login",
                      json={"username": username, "password": password}, timeout=30)
    assert r.status_code == 200, (username, r.status_code, r.text)
    return r.json()


def token_cache(url):
    """role → bearer token of that role's demo account, signed in once per
    role (for a module's demo server)."""
    cache = {}

    def get(role):
        if role not in cache:
            cache[role] = login(url, DEMO_USERS[role])["token"]
        return cache[role]
    return get


def bearer(token):
    return {"Authorization": "Bearer " + token}


def call(url, method, path, token=None, **kw):
    headers = dict(kw.pop("headers", {}))
    if token:
        headers.update(bearer(token))
    return requests.request(method, url + path, headers=headers, timeout=30, **kw)


def login_from(port, source, username, password):
    """POST /api/v1/auth/login from source address (e.g. "127.0.0.2").
    Returns (status, headers dict, body dict)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        body = json.dumps({"username": username, "password": password})
        c.request("POST", "/api/v1/auth/login", body=body,
                  headers={"Content-Type": "application/json"})
        resp = c.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), json.loads(data or b"{}")
    finally:
        c.close()
