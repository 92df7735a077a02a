"""Device states at a glance on the live alarm board (issue #5 item 7): the
board snapshot (GET /api/v1/alarms/board) counts devices per state and
lists the devices needing attention (alarm, trouble, communication
failure), both following the commune filter and the caller's scope; a
restore takes the device off the list. Frames are real SIA DC-09 ADM-CID
sent to the demo's receiver."""
import json
import os

import pytest
import requests

from conftest import Server
from test_board import send_alarm


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("boarddev"), "demo")
    with open(os.path.join(s.data_dir, "demo-accounts.json"), encoding="utf-8") as f:
        s.accounts = {a["role"]: a for a in json.load(f)}
    with open(os.path.join(s.data_dir, "demo-devices.json"), encoding="utf-8") as f:
        s.devices = {d["account"]: d for d in json.load(f)}
    yield s
    s.stop()


def auth(server, role):
    a = server.accounts[role]
    r = requests.post(server.url + "/api/v1/auth/login",
                      json={"username": a["username"], "password": a["password"]}, timeout=30)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def board(server, h, **params):
    r = requests.get(server.url + "/api/v1/alarms/board", headers=h, params=params, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_attention_list_and_counts_follow_the_commune(demo):
    h = auth(demo, "dispatcher")
    snap = board(demo, h)
    assert snap["attention"] == []
    total = snap["devices"]["total"]
    assert total >= 5 and snap["devices"]["normal"] == total

    send_alarm(demo, demo.devices["1234"], 101, "1110")   # fire, 00364
    send_alarm(demo, demo.devices["4567"], 102, "1301")   # AC loss (trouble), 00229
    snap = board(demo, h)
    att = {d["account"]: d for d in snap["attention"]}
    assert set(att) == {"1234", "4567"}
    assert att["1234"]["state"] == "alarm" and att["4567"]["state"] == "trouble"
    assert [d["account"] for d in snap["attention"]] == ["1234", "4567"], "alarm first"
    assert att["1234"]["site_name"] and att["1234"]["unit"] == "00364"
    assert att["1234"]["unit_name"] and att["4567"]["line"] == "L2"
    assert snap["devices"]["alarm"] == 1 and snap["devices"]["trouble"] == 1
    assert "key" not in json.dumps(snap["attention"])

    one = board(demo, h, unit="00364")
    assert [d["account"] for d in one["attention"]] == ["1234"]
    assert one["devices"]["alarm"] == 1 and one["devices"]["trouble"] == 0
    assert one["devices"]["total"] < total
    other = board(demo, h, unit="00235")
    assert other["attention"] == [] and other["devices"]["alarm"] == 0

    # the restore takes the trouble device off the list
    send_alarm(demo, demo.devices["4567"], 103, "3301")
    snap = board(demo, h)
    assert [d["account"] for d in snap["attention"]] == ["1234"]
    assert snap["devices"]["trouble"] == 0


def test_attention_respects_scope(demo):
    send_alarm(demo, demo.devices["1234"], 201, "1110")
    # the fire team covers its own communes only: the device of 00364 is
    # there for a team of 00364, never for another commune's officer view
    h = auth(demo, "fire_team")
    me = requests.get(demo.url + "/api/v1/auth/me", headers=h, timeout=30).json()["user"]
    reach = {me["unit"]} | set(me.get("covered_communes") or [])
    snap = board(demo, h)
    for d in snap["attention"]:
        assert d["unit"] in reach, (d, reach)
    assert ("1234" in [d["account"] for d in snap["attention"]]) == ("00364" in reach)
    # a commune the caller does not reach shows nothing
    if "00235" not in reach:
        assert board(demo, h, unit="00235")["devices"]["total"] == 0
    assert snap["devices"]["total"] <= board(demo, auth(demo, "dispatcher"))["devices"]["total"]
