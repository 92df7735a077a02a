"""Account administration: create (temporary password once, forced
change), list/search/export, edit, disable/enable, reset, CSV import with
rejected rows by line, and the admin's unit scope (outside = 404)."""
import io
import csv

import pytest
import requests

from authutil import call, login
from conftest import Server, run_pccc


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("admindemo"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def admin(demo):
    return login(demo.url, "demo.quantri")["token"]


def create(demo, tok, **body):
    return call(demo.url, "POST", "/api/v1/accounts", tok, json=body)


def activate(demo, username, temp, new="Moi#Matkhau2025"):
    t = login(demo.url, username, temp)["token"]
    r = call(demo.url, "POST", "/api/v1/auth/password", t,
             json={"current_password": temp, "new_password": new})
    assert r.status_code == 200, r.text
    return t


def test_create_get_list_update(demo, admin):
    r = create(demo, admin, username="CanBo.BaDinh", display_name="Trần Thị Bình",
               role="commune_officer", unit="00004")
    assert r.status_code == 201, r.text
    body = r.json()
    acc, temp = body["account"], body["temporary_password"]
    assert acc["username"] == "canbo.badinh" and acc["unit"] == "00004"
    assert acc["must_change_password"] is True and acc["disabled"] is False
    for k in ["cccd", "phone", "cccd_enc", "password_hash"]:
        assert k not in acc
    assert login(demo.url, "canbo.badinh", temp)["user"]["must_change_password"] is True
    # given password: not echoed
    r = create(demo, admin, username="canbo.ngocha", display_name="Lê Văn Cường",
               role="commune_officer", unit="00008", password="Ngoc#Ha2025pw")
    assert r.status_code == 201 and "temporary_password" not in r.json()
    # get, list with filters, search without diacritics, export
    g = call(demo.url, "GET", "/api/v1/accounts/%d" % acc["id"], admin)
    assert g.status_code == 200 and g.json()["display_name"] == "Trần Thị Bình"
    items = call(demo.url, "GET", "/api/v1/accounts?unit=00004", admin).json()["items"]
    assert [i["username"] for i in items] == ["canbo.badinh"]
    items = call(demo.url, "GET", "/api/v1/accounts?q=tran%20thi%20binh", admin).json()["items"]
    assert [i["username"] for i in items] == ["canbo.badinh"]
    items = call(demo.url, "GET", "/api/v1/accounts?role=auditor", admin).json()["items"]
    assert [i["username"] for i in items] == ["demo.kiemtra"]
    page = call(demo.url, "GET", "/api/v1/accounts?limit=2", admin).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    nxt = call(demo.url, "GET", "/api/v1/accounts?limit=2&cursor=" + page["next_cursor"],
               admin).json()
    assert nxt["items"][0]["id"] > page["items"][-1]["id"]
    assert call(demo.url, "GET", "/api/v1/accounts?cursor=zz", admin).status_code == 400
    x = call(demo.url, "GET", "/api/v1/accounts?format=csv", admin)
    assert x.status_code == 200 and x.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(x.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Tên đăng nhập"
    assert any(r[1] == "canbo.badinh" for r in rows[1:])
    # edit
    r = call(demo.url, "PATCH", "/api/v1/accounts/%d" % acc["id"], admin,
             json={"display_name": "Trần Thị Bình (Ba Đình)", "unit": "00025"})
    assert r.status_code == 200 and r.json()["unit"] == "00025"
    r = call(demo.url, "PATCH", "/api/v1/accounts/%d" % acc["id"], admin,
             json={"covered_communes": ["00364"]})
    assert r.status_code == 400 and r.json()["error"]["field"] == "covered_communes"
    r = call(demo.url, "PATCH", "/api/v1/accounts/%d" % acc["id"], admin,
             json={"role": "fire_team", "covered_communes": ["00364", "00352"]})
    assert r.status_code == 200 and r.json()["covered_communes"] == ["00352", "00364"]


def test_create_refusals(demo, admin):
    cases = [
        (dict(username="ab", role="admin", unit="01"), 400, "username"),
        (dict(username="bad name", role="admin", unit="01"), 400, "username"),
        (dict(username="x.unit", role="admin", unit="99999"), 400, "unit"),
        (dict(username="x.hcm", role="commune_officer", unit="25747"), 400, "unit"),
        (dict(username="x.cov", role="commune_officer", unit="00364",
              covered_communes=["00352"]), 400, "covered_communes"),
        (dict(username="x.cov2", role="fire_team", unit="00364",
              covered_communes=["01"]), 400, "covered_communes"),
        (dict(username="x.weak", role="admin", unit="01", password="12345678"), 400, "password"),
        (dict(username="demo.canbo", role="admin", unit="01"), 409, "username"),
        (dict(username="x.role", role="boss", unit="01"), 400, "role"),
        (dict(username="x.extra", role="admin", unit="01", cccd="001234567890"), 400, "cccd"),
    ]
    for body, status, field in cases:
        r = create(demo, admin, **body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["field"] == field, (body, r.text)


def test_disable_enable_reset(demo, admin):
    r = create(demo, admin, username="tam.khoa", role="dispatcher", unit="01",
               password="Tam#Khoa2025pw")
    acc = r.json()["account"]
    tok = login(demo.url, "tam.khoa", "Tam#Khoa2025pw")["token"]
    r = call(demo.url, "POST", "/api/v1/accounts/%d/disable" % acc["id"], admin)
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert call(demo.url, "GET", "/api/v1/auth/me", tok).status_code == 401
    r = requests.post(demo.url + "/api/v1/auth/login",
                      json={"username": "tam.khoa", "password": "Tam#Khoa2025pw"}, timeout=30)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"
    r = call(demo.url, "POST", "/api/v1/accounts/%d/enable" % acc["id"], admin)
    assert r.status_code == 200 and r.json()["disabled"] is False
    tok = login(demo.url, "tam.khoa", "Tam#Khoa2025pw")["token"]
    r = call(demo.url, "POST", "/api/v1/accounts/%d/reset-password" % acc["id"], admin)
    assert r.status_code == 200
    temp = r.json()["temporary_password"]
    assert r.json()["account"]["must_change_password"] is True
    assert call(demo.url, "GET", "/api/v1/auth/me", tok).status_code == 401
    assert requests.post(demo.url + "/api/v1/auth/login",
                         json={"username": "tam.khoa", "password": "Tam#Khoa2025pw"},
                         timeout=30).status_code == 401
    assert login(demo.url, "tam.khoa", temp)["user"]["must_change_password"] is True
    # an admin cannot disable or demote themselves
    me = call(demo.url, "GET", "/api/v1/auth/me", admin).json()["user"]
    assert call(demo.url, "POST", "/api/v1/accounts/%d/disable" % me["id"],
                admin).status_code == 409
    assert call(demo.url, "PATCH", "/api/v1/accounts/%d" % me["id"], admin,
                json={"role": "auditor"}).status_code == 409
    assert call(demo.url, "POST", "/api/v1/accounts/999999/disable", admin).status_code == 404


def test_csv_import(demo, admin):
    text = ("username,display_name,role,unit,covered_communes\r\n"
            "nhap.mot,Nguyễn Văn Một,commune_officer,00364\r\n"
            "nhap.hai,\"Lê Thị Hai, phó\",fire_team,00367,00364;00352\r\n"
            "nhap.mot,Trùng tên,commune_officer,00364\r\n"
            "nhap.ba,Ba,sep,00364\r\n"
            "nhap.bon,Bốn,commune_officer,99999\r\n"
            "demo.canbo,Đã có,commune_officer,00364\r\n"
            "nhap.nam,Năm\r\n"
            "\r\n"
            "nhap.sau,Sáu,commune_officer,25747\r\n"
            "nhap.bay,Bảy,auditor,01\r\n")
    r = call(demo.url, "POST", "/api/v1/accounts/import", admin, data=text.encode(),
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["created_count"] == 3
    assert [c["username"] for c in rep["created"]] == ["nhap.mot", "nhap.hai", "nhap.bay"]
    bad = {e["line"]: e["message"] for e in rep["rejected"]}
    assert sorted(bad) == [4, 5, 6, 7, 8, 10]
    assert "trùng" in bad[4] and "vai trò" in bad[5] and "2025" in bad[6]
    assert "đã có" in bad[7] and "cột" in bad[8] and "phạm vi" in bad[10]
    for c in rep["created"]:
        assert login(demo.url, c["username"], c["temporary_password"])["user"][
            "must_change_password"] is True
    hai = [c for c in rep["created"] if c["username"] == "nhap.hai"][0]
    g = call(demo.url, "GET", "/api/v1/accounts/%d" % hai["id"], admin).json()
    assert g["display_name"] == "Lê Thị Hai, phó" and g["covered_communes"] == ["00352", "00364"]
    r = call(demo.url, "POST", "/api/v1/accounts/import", admin, data=b"",
             headers={"Content-Type": "text/csv"})
    assert r.status_code == 400
    r = call(demo.url, "POST", "/api/v1/accounts/import", admin, data=b"{}",
             headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_admin_scope(demo, admin):
    # a commune admin of Khương Đình
    r = create(demo, admin, username="qt.khuongdinh", role="admin", unit="00364",
               password="Khuong#Dinh2025")
    assert r.status_code == 201
    r = create(demo, admin, username="canbo.hoankiem", role="commune_officer", unit="00070",
               password="Hoan#Kiem2025x")
    outside = r.json()["account"]["id"]
    t = activate(demo, "qt.khuongdinh", "Khuong#Dinh2025")
    canbo = [a for a in call(demo.url, "GET", "/api/v1/accounts?q=demo.canbo", admin)
             .json()["items"]][0]
    assert call(demo.url, "GET", "/api/v1/accounts/%d" % canbo["id"], t).status_code == 200
    for method, path in [("GET", ""), ("PATCH", ""), ("POST", "/disable"), ("POST", "/enable"),
                         ("POST", "/reset-password")]:
        kw = {"json": {"display_name": "x"}} if method == "PATCH" else {}
        r = call(demo.url, method, "/api/v1/accounts/%d%s" % (outside, path), t, **kw)
        assert r.status_code == 404, (method, path, r.text)
    units = {a["unit"] for a in call(demo.url, "GET", "/api/v1/accounts?limit=500", t)
             .json()["items"]}
    assert units == {"00364"}
    r = create(demo, t, username="x.ngoai", role="commune_officer", unit="00070")
    assert r.status_code == 400 and r.json()["error"]["field"] == "unit"
    r = create(demo, t, username="x.tinh", role="commune_officer", unit="01")
    assert r.status_code == 400
    # the city admin sees all of Hà Nội, not another province
    r = run_pccc("user", "add", "--data", demo.data_dir, "--username", "canbo.hcm",
                 "--role", "commune_officer", "--unit", "25747")
    assert r.returncode == 0, r.stderr
    hcm = [a for a in call(demo.url, "GET", "/api/v1/accounts?q=canbo.hcm", admin)
           .json()["items"]]
    assert hcm == []
    assert call(demo.url, "GET", "/api/v1/accounts/%d" % outside, admin).status_code == 200
