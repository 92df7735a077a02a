"""Personal data (Decree 13/2023): residents' ID numbers and phones are
masked in lists, shown in full only to roles with the pii.read capability
and inside their scope, and every full read is in the audit trail."""
import re

import pytest

from authutil import DEMO_USERS, call, login
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("piidemo"), "demo")
    yield s
    s.stop()


def token(demo, role):
    return login(demo.url, DEMO_USERS[role])["token"]


def a_resident(demo, tok):
    houses = call(demo.url, "GET", "/api/v1/houses?limit=100", tok).json()["items"]
    for h in houses:
        rs = call(demo.url, "GET", "/api/v1/houses/%s/residents" % h["id"], tok).json()["items"]
        if rs:
            return h, rs[0]
    raise AssertionError("no demo resident in scope")


def test_full_read_only_with_capability_in_scope_and_audited(demo):
    officer = token(demo, "commune_officer")
    house, res = a_resident(demo, officer)
    masked = res.get("cccd") or res.get("cccd_mask")
    assert re.fullmatch(r"\d{3}\*{6}\d{3}", masked), res
    path = "/api/v1/houses/%s/residents/%s/personal" % (house["id"], res["id"])
    r = call(demo.url, "GET", path, officer)
    assert r.status_code == 200, r.text
    full = r.json()
    assert re.fullmatch(r"\d{12}", full["cccd"])
    assert full["cccd"][:3] == masked[:3] and full["cccd"][-3:] == masked[-3:]
    assert r.headers["Cache-Control"] == "no-store"

    # the admin manages accounts but reads no personal data
    assert call(demo.url, "GET", path, token(demo, "admin")).status_code == 403
    # anonymous: sign-in first
    assert call(demo.url, "GET", path).status_code == 401
    # a citizen reaches only their own house
    assert call(demo.url, "GET", path, token(demo, "citizen")).status_code == 404
    # a resident id that is not in that house
    assert call(demo.url, "GET", "/api/v1/houses/%s/residents/999999999/personal" % house["id"],
                officer).status_code == 404

    # the read is in the audit trail, with who and which record
    audit = call(demo.url, "GET", "/api/v1/audit?action=pii.read&limit=50",
                 token(demo, "auditor")).json()["items"]
    mine = [e for e in audit if str(e.get("record_id")) == str(res["id"])]
    assert mine, audit
    assert mine[0].get("actor") == DEMO_USERS["commune_officer"]
