"""Inspection photos and edit conflicts over HTTP against `pccc demo`
(issue 4, item 4: the checklist works offline; photos are sent when the
signal returns; a change based on an old version is shown as a conflict,
never written over the newer record).

Photos: POST /api/v1/inspections/{id}/photos?item=CODE with the image
bytes (type from the magic bytes: JPEG, PNG, WebP), 8 MiB at most, stored
once per content (a re-sent photo answers 200 with the same id), scope as
the inspection, listed per item in the inspection JSON, GET of the bytes,
DELETE of one taken by mistake (its file too when no other inspection
holds the same image), and an appendix of them on the printed record.
Conflicts: houses and facilities carry "version" (JSON and ETag); PATCH
with a stale If-Match / "version" is 409 "conflict" with the current
record and changes nothing; the current version applies and adds one."""
import datetime
import hashlib
import os
import struct
import zlib

import pytest

from authutil import call, token_cache
from conftest import Server


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("photodemo")
    s = Server(d, "demo")
    s.dir = str(d)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def today():
    vn = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)
    return vn.date().isoformat()


def png_bytes(w=2, h=2, rgb=(200, 30, 30)):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_bytes(seed=b"a"):
    # JPEG markers (SOI, APP0/JFIF) then filler: the server decides by the
    # magic bytes, it does not decode.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + \
        hashlib.sha256(seed).digest() * 8 + b"\xff\xd9"


def items_for(demo, t, htype):
    cat = call(demo.url, "GET", "/api/v1/register/catalogue", t).json()
    return [c["code"] for c in cat["conditions"] if htype in c["applies"]]


def new_house(demo, t, unit="00364", number="7"):
    r = call(demo.url, "POST", "/api/v1/houses", t,
             json={"unit": unit, "street": "Phố Ảnh Thử", "house_number": number,
                   "house_type": "boarding_house", "floors": 3, "occupants": 12})
    assert r.status_code == 201, r.text
    return r.json()


def inspect(demo, t, hid, fail="LOI_THOAT_NAN_2", **extra):
    res = [{"code": c, "result": "fail" if c == fail else "pass"}
           for c in items_for(demo, t, "boarding_house")]
    body = {"kind": "periodic", "date": today(), "results": res}
    body.update(extra)
    return call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t, json=body)


def upload(demo, t, iid, item, data, ctype="image/jpeg"):
    return call(demo.url, "POST", "/api/v1/inspections/%s/photos?item=%s" % (iid, item), t,
                data=data, headers={"Content-Type": ctype})


@pytest.fixture(scope="module")
def insp(demo, tok):
    t = tok("commune_officer")
    h = new_house(demo, t)
    r = inspect(demo, t, h["id"])
    assert r.status_code == 201, r.text
    return {"house": h["id"], "id": r.json()["id"]}


def test_upload_jpeg_and_png_then_read_bytes(demo, tok, insp):
    t = tok("commune_officer")
    j, p = jpeg_bytes(b"one"), png_bytes()
    r1 = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", j, "image/jpeg")
    assert r1.status_code == 201, r1.text
    a = r1.json()
    assert a["content_type"] == "image/jpeg" and a["bytes"] == len(j)
    assert a["item"] == "LOI_THOAT_NAN_2" and a["inspection_id"] == insp["id"]
    assert a["sha256"] == hashlib.sha256(j).hexdigest()
    # A PNG labelled as JPEG is stored as what its bytes say.
    r2 = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", p, "image/jpeg")
    assert r2.status_code == 201, r2.text
    b = r2.json()
    assert b["content_type"] == "image/png" and b["id"] != a["id"]

    g = call(demo.url, "GET", a["url"], t)
    assert g.status_code == 200
    assert g.content == j
    assert g.headers["Content-Type"] == "image/jpeg"
    assert "private" in g.headers["Cache-Control"]
    g2 = call(demo.url, "GET", b["url"], t)
    assert g2.content == p and g2.headers["Content-Type"] == "image/png"
    # Cached copy still good: 304 without the bytes.
    g3 = call(demo.url, "GET", a["url"], t, headers={"If-None-Match": g.headers["ETag"]})
    assert g3.status_code == 304 and g3.content == b""

    # Stored once under the data directory, named by the content hash.
    path = os.path.join(demo.dir, "photos", a["sha256"][:2], a["sha256"] + ".jpg")
    with open(path, "rb") as f:
        assert f.read() == j

    # Listed, and shown per item in the inspection JSON.
    lst = call(demo.url, "GET", "/api/v1/inspections/%s/photos" % insp["id"], t).json()
    assert [x["id"] for x in lst["items"]] == [a["id"], b["id"]]
    items = call(demo.url, "GET", "/api/v1/houses/%s/inspections" % insp["house"], t).json()
    one = [i for i in items["items"] if i["id"] == insp["id"]][0]
    by_code = {r["code"]: r["photos"] for r in one["results"]}
    assert [x["id"] for x in by_code["LOI_THOAT_NAN_2"]] == [a["id"], b["id"]]
    assert all(v == [] for k, v in by_code.items() if k != "LOI_THOAT_NAN_2")


def test_resend_same_photo_same_id(demo, tok, insp):
    t = tok("commune_officer")
    data = jpeg_bytes(b"retry")
    r1 = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", data)
    r2 = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", data)
    assert r1.status_code == 201 and r2.status_code == 200, (r1.text, r2.text)
    assert r1.json()["id"] == r2.json()["id"]
    lst = call(demo.url, "GET", "/api/v1/inspections/%s/photos" % insp["id"], t).json()["items"]
    assert sum(1 for x in lst if x["sha256"] == r1.json()["sha256"]) == 1
    # One audit entry for the photo, none for the re-send.
    audit = call(demo.url, "GET", "/api/v1/audit?action=inspection.photo.add&limit=500",
                 tok("auditor"))
    assert audit.status_code == 200, audit.text
    mine = [e for e in audit.json()["items"]
            if str(r1.json()["id"]) in str(e) and r1.json()["sha256"] in str(e)]
    assert len(mine) == 1, audit.text[:800]
    assert mine[0]["record_id"] == str(insp["id"])


def test_wrong_type_415(demo, tok, insp):
    t = tok("commune_officer")
    for data, ctype in [(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "image/jpeg"),
                        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
                        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "image/gif"),
                        (jpeg_bytes(b"html"), "text/html")]:
        r = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", data, ctype)
        assert r.status_code == 415, (ctype, r.status_code, r.text)
        assert r.json()["error"]["code"] == "unsupported_media_type"
        assert "JPEG" in r.json()["error"]["message"]


def test_too_big_413_and_empty_400(demo, tok, insp):
    t = tok("commune_officer")
    big = jpeg_bytes(b"big") + b"\x00" * (8 << 20)
    r = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", big)
    assert r.status_code == 413, r.text
    assert "quá lớn" in r.json()["error"]["message"]
    r = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", b"")
    assert r.status_code == 400, r.text
    # An item the inspection did not answer.
    r = upload(demo, t, insp["id"], "KHONG_CO_MA_NAY", jpeg_bytes(b"x"))
    assert r.status_code == 400 and r.json()["error"]["field"] == "item"
    lst = call(demo.url, "GET", "/api/v1/inspections/%s/photos" % insp["id"], t).json()["items"]
    assert all(x["bytes"] < (8 << 20) for x in lst)


def test_out_of_scope_404(demo, tok):
    pc07 = tok("city_fire_police")
    other = new_house(demo, pc07, unit="00070", number="70")
    r = inspect(demo, pc07, other["id"])
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    up = upload(demo, pc07, iid, "LOI_THOAT_NAN_2", png_bytes(3, 3))
    assert up.status_code == 201, up.text
    officer = tok("commune_officer")   # commune 00364 only
    r = upload(demo, officer, iid, "LOI_THOAT_NAN_2", jpeg_bytes(b"scope"))
    assert r.status_code == 404, r.text
    assert call(demo.url, "GET", "/api/v1/inspections/%s/photos" % iid, officer).status_code == 404
    assert call(demo.url, "GET", up.json()["url"], officer).status_code == 404
    # Unknown inspection, and a photo id of another inspection.
    assert upload(demo, pc07, 99999999, "LOI_THOAT_NAN_2", jpeg_bytes()).status_code == 404
    assert call(demo.url, "GET", "/api/v1/inspections/%s/photos/%s" % (iid, up.json()["id"] + 1000),
                pc07).status_code == 404
    # Signed out: refused.
    assert call(demo.url, "GET", up.json()["url"]).status_code == 401
    # No read permission at all (dispatcher reads houses; auditor does not).
    assert call(demo.url, "GET", up.json()["url"], tok("auditor")).status_code in (403, 404)


def test_delete_photo(demo, tok, insp):
    t = tok("commune_officer")
    # the same image in two inspections: one file, two rows
    other = inspect(demo, t, insp["house"])
    assert other.status_code == 201, other.text
    oid = other.json()["id"]
    data = jpeg_bytes(b"mistake")
    a = upload(demo, t, insp["id"], "LOI_THOAT_NAN_2", data).json()
    b = upload(demo, t, oid, "LOI_THOAT_NAN_2", data).json()
    path = os.path.join(demo.dir, "photos", a["sha256"][:2], a["sha256"] + ".jpg")
    assert os.path.exists(path)

    # only with the rights of adding one, inside the scope
    assert call(demo.url, "DELETE", a["url"]).status_code == 401
    assert call(demo.url, "DELETE", a["url"], tok("dispatcher")).status_code == 403
    assert call(demo.url, "DELETE", a["url"], tok("citizen")).status_code == 404
    assert call(demo.url, "GET", a["url"], t).status_code == 200

    r = call(demo.url, "DELETE", a["url"], t)
    assert r.status_code == 204, r.text
    assert call(demo.url, "GET", a["url"], t).status_code == 404
    assert call(demo.url, "DELETE", a["url"], t).status_code == 404
    lst = call(demo.url, "GET", "/api/v1/inspections/%s/photos" % insp["id"], t).json()["items"]
    assert a["id"] not in [x["id"] for x in lst]
    # the other inspection still shows it: the file stays
    assert os.path.exists(path)
    g = call(demo.url, "GET", b["url"], t)
    assert g.status_code == 200 and g.content == data
    # the last row goes: so does the file
    assert call(demo.url, "DELETE", b["url"], t).status_code == 204
    assert not os.path.exists(path)
    # a photo id of another inspection is not this one's
    c = upload(demo, t, oid, "LOI_THOAT_NAN_2", png_bytes(4, 4)).json()
    r = call(demo.url, "DELETE", "/api/v1/inspections/%s/photos/%s" % (insp["id"], c["id"]), t)
    assert r.status_code == 404
    assert call(demo.url, "GET", c["url"], t).status_code == 200

    audit = call(demo.url, "GET", "/api/v1/audit?action=inspection.photo.delete&limit=50",
                 tok("auditor")).json()["items"]
    mine = [e for e in audit if e["record_id"] in (str(insp["id"]), str(oid))
            and a["sha256"] in str(e)]
    assert len(mine) == 2, audit


def test_record_prints_its_photos(demo, tok):
    t = tok("commune_officer")
    h = new_house(demo, t, number="71")
    r = inspect(demo, t, h["id"])
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    plain = call(demo.url, "GET", "/api/v1/inspections/%s/record.html" % iid, t).text
    assert "Ảnh chụp kèm theo" not in plain
    p1 = upload(demo, t, iid, "LOI_THOAT_NAN_2", jpeg_bytes(b"rec1")).json()
    p2 = upload(demo, t, iid, "LOI_THOAT_NAN_2", png_bytes(5, 5)).json()
    html = call(demo.url, "GET", "/api/v1/inspections/%s/record.html" % iid, t).text
    assert "Ảnh chụp kèm theo biên bản" in html
    assert html.index(p1["url"]) < html.index(p2["url"])
    assert 'alt="Ảnh 1"' in html and "Ảnh 2 — " in html
    # the appendix follows the signatures
    assert html.index("signatures") < html.index("photo-appendix")
    assert call(demo.url, "DELETE", p2["url"], t).status_code == 204
    html = call(demo.url, "GET", "/api/v1/inspections/%s/record.html" % iid, t).text
    assert p1["url"] in html and p2["url"] not in html


def test_openapi_lists_photo_route(demo):
    spec = demo.get("/api/v1/openapi.json").json()
    assert "/api/v1/inspections/{id}/photos" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/inspections/{id}/photos"]
    assert "delete" in spec["paths"]["/api/v1/inspections/{id}/photos/{photo}"]


# ---- edit conflicts ------------------------------------------------------------------


def get_house(demo, t, hid):
    r = call(demo.url, "GET", "/api/v1/houses/" + hid, t)
    assert r.status_code == 200
    return r


def test_house_patch_conflict(demo, tok):
    t = tok("commune_officer")
    h = new_house(demo, t, number="409")
    g = get_house(demo, t, h["id"])
    v = g.json()["version"]
    assert isinstance(v, int) and v >= 1
    assert g.headers["ETag"] == '"%d"' % v

    # Stale If-Match: 409 with the current record, nothing changed.
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"notes": "ghi đè"}, headers={"If-Match": '"%d"' % (v + 5)})
    assert r.status_code == 409, r.text
    e = r.json()["error"]
    assert e["code"] == "conflict" and "thay đổi" in e["message"]
    assert e["current"]["version"] == v and e["current"]["id"] == h["id"]
    assert e["your_version"] == v + 5 and e["current_version"] == v
    after = get_house(demo, t, h["id"]).json()
    assert after["version"] == v and after.get("notes") != "ghi đè"
    assert after["updated_at"] == g.json()["updated_at"]

    # Current version (body field): applies, version + 1.
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"notes": "Đã lắp thang", "version": v})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == v + 1 and r.json()["notes"] == "Đã lắp thang"
    assert r.headers["ETag"] == '"%d"' % (v + 1)

    # The old version is now stale (body field this time).
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"notes": "cũ", "version": v})
    assert r.status_code == 409
    assert r.json()["error"]["current"]["notes"] == "Đã lắp thang"

    # If-Match with the current version, and without any version (as
    # before): both apply.
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t,
             json={"floors": 5}, headers={"If-Match": '"%d"' % (v + 1)})
    assert r.status_code == 200 and r.json()["version"] == v + 2
    r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t, json={"floors": 6})
    assert r.status_code == 200 and r.json()["version"] == v + 3

    # Malformed or disagreeing versions are refused before anything.
    for hdr, body in [({"If-Match": "abc"}, {"floors": 2}),
                      ({}, {"floors": 2, "version": "3"}),
                      ({"If-Match": '"%d"' % (v + 3)}, {"floors": 2, "version": v})]:
        r = call(demo.url, "PATCH", "/api/v1/houses/" + h["id"], t, json=body, headers=hdr)
        assert r.status_code == 400, (hdr, body, r.text)
    assert get_house(demo, t, h["id"]).json()["floors"] == 6


def test_every_write_moves_the_version(demo, tok):
    t = tok("commune_officer")
    h = new_house(demo, t, number="410")
    v = get_house(demo, t, h["id"]).json()["version"]
    r = inspect(demo, t, h["id"])
    assert r.status_code == 201
    v2 = get_house(demo, t, h["id"]).json()["version"]
    assert v2 == v + 1, "an inspection changes the house's compliance"
    # An inspection based on the old version: 409, not recorded.
    n = len(call(demo.url, "GET", "/api/v1/houses/%s/inspections" % h["id"], t).json()["items"])
    r = inspect(demo, t, h["id"], version=v)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["current"]["version"] == v2
    assert len(call(demo.url, "GET", "/api/v1/houses/%s/inspections" % h["id"],
                    t).json()["items"]) == n
    r = inspect(demo, t, h["id"], version=v2)
    assert r.status_code == 201, r.text


def test_facility_patch_conflict(demo, tok):
    t = tok("commune_officer")
    f = call(demo.url, "GET", "/api/v1/facilities?limit=1", t).json()["items"][0]
    g = call(demo.url, "GET", "/api/v1/facilities/" + f["id"], t)
    v = g.json()["version"]
    assert g.headers["ETag"] == '"%d"' % v
    before = g.json()
    r = call(demo.url, "PATCH", "/api/v1/facilities/" + f["id"], t,
             json={"legal_rep": "Người Khác"}, headers={"If-Match": '"%d"' % (v - 1 or 99)})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "conflict"
    assert r.json()["error"]["current"]["legal_rep"] == before.get("legal_rep")
    assert call(demo.url, "GET", "/api/v1/facilities/" + f["id"], t).json()["version"] == v
    r = call(demo.url, "PATCH", "/api/v1/facilities/" + f["id"], t,
             json={"legal_rep": "Nguyễn Văn Mới", "version": v})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == v + 1 and r.json()["legal_rep"] == "Nguyễn Văn Mới"
