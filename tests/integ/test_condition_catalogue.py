"""The versioned catalogue of safety condition items over HTTP, against
`pccc demo`: version 1 is the built-in catalogue (same codes); an admin
opens a draft copied from it, adds, edits and deactivates items, and
publishes it; published versions are immutable (409, Vietnamese message);
new inspections are answered against the latest published version (or the
published version the offline checklist names), while the compliance of an
inspection made under version 1 stays what it was; writes are audited;
other roles get 403."""
import datetime

import pytest

from authutil import call, DEMO_USERS, token_cache
from conftest import Server

CAT = "/api/v1/condition-catalogue"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("catdemo"), "demo")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tok(demo):
    return token_cache(demo.url)


def today():
    vn = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)
    return vn.date().isoformat()


def new_house(demo, t, number):
    r = call(demo.url, "POST", "/api/v1/houses", t,
             json={"unit": "00364", "street": "Ngõ Thử Danh Mục", "house_number": number,
                   "house_type": "boarding_house", "floors": 4, "occupants": 12})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def checklist(demo, t):
    r = call(demo.url, "GET", "/api/v1/register/catalogue", t)
    assert r.status_code == 200
    c = r.json()
    return c["version"], [i["code"] for i in c["conditions"]
                          if "boarding_house" in i["applies"]]


def inspect(demo, t, hid, codes, fail=(), version=None):
    body = {"kind": "periodic", "date": today(),
            "results": [{"code": c, "result": "fail" if c in fail else "pass"} for c in codes]}
    if version is not None:
        body["catalogue_version"] = version
    return call(demo.url, "POST", "/api/v1/houses/%s/inspections" % hid, t, json=body)


def test_version_1_is_the_builtin_catalogue(demo, tok):
    t = tok("commune_officer")
    r = call(demo.url, "GET", CAT, t)
    assert r.status_code == 200, r.text
    c = r.json()
    assert c["version"] == 1 and c["published"] is True
    codes = [i["code"] for i in c["items"]]
    for code in ("LOI_THOAT_NAN_2", "NGAN_CHAY_KHU_DE_XE", "THANG_THOAT_NAN",
                 "BAO_CHAY_MOI_PHONG", "DEN_SU_CO_CHI_DAN", "BINH_CHUA_CHAY", "HO_SO_PCCC",
                 "PHUONG_AN_CHUA_CHAY", "KHONG_SAC_XE_DIEN_HAM", "CHUONG_COP_CO_O_THOAT"):
        assert code in codes
        it = next(i for i in c["items"] if i["code"] == code)
        assert {"mini_apartment", "boarding_house"} <= set(it["required"])
        assert it["active"] is True and it["title_vi"] and it["title_en"]
    # position order
    pos = [i["position"] for i in c["items"]]
    assert pos == sorted(pos)
    # the checklist of one type
    r = call(demo.url, "GET", CAT + "?house_type=tube_house", t).json()
    assert all("tube_house" in i["applies"] for i in r["items"])
    assert "NGAN_CACH_KINH_DOANH" not in [i["code"] for i in r["items"]]
    ladder = next(i for i in r["items"] if i["code"] == "THANG_THOAT_NAN")
    assert ladder["required_here"] is False
    r = call(demo.url, "GET", CAT + "?category=hotel", t).json()
    assert r["house_type"] == "facility" and "HO_SO_PCCC" in [i["code"] for i in r["items"]]
    r = call(demo.url, "GET", CAT + "?category=khong_co", t)
    assert r.status_code == 400 and r.json()["error"]["field"] == "category"
    # the console's checklist endpoint says the same version
    v, items = checklist(demo, t)
    assert v == 1 and "LOI_THOAT_NAN_2" in items


def test_non_admin_cannot_write(demo, tok):
    for role in ("commune_officer", "city_fire_police", "citizen", "auditor"):
        t = tok(role)
        assert call(demo.url, "POST", CAT + "/versions", t, json={}).status_code == 403
        assert call(demo.url, "GET", CAT + "/versions", t).status_code == 403
        assert call(demo.url, "POST", CAT + "/versions/1/publish", t).status_code == 403
        assert call(demo.url, "PATCH", CAT + "/versions/1/items/HO_SO_PCCC", t,
                    json={"active": False}).status_code == 403
    assert call(demo.url, "GET", CAT).status_code == 401


def test_publish_flow_and_immutability(demo, tok):
    a, o = tok("admin"), tok("commune_officer")
    # an inspection under version 1 first: tools failing is only advisory
    old_house = new_house(demo, o, "11")
    v, codes = checklist(demo, o)
    assert v == 1
    r = inspect(demo, o, old_house, codes, fail=("DUNG_CU_PHA_DO",))
    assert r.status_code == 201, r.text
    old = r.json()
    assert old["compliance"] == "dam_bao" and old["catalogue_version"] == "1"

    # published version 1 cannot change
    r = call(demo.url, "PATCH", CAT + "/versions/1/items/HO_SO_PCCC", a, json={"active": False})
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "catalogue_published" and "đã công bố" in err["message"]
    r = call(demo.url, "POST", CAT + "/versions/1/items", a,
             json={"code": "MOI", "title_vi": "Mới", "applies": ["other"]})
    assert r.status_code == 409
    assert call(demo.url, "POST", CAT + "/versions/1/publish", a).status_code == 409

    # a draft, copied from version 1
    r = call(demo.url, "POST", CAT + "/versions", a, json={"note": "Bổ sung 2025"})
    assert r.status_code == 201, r.text
    d = r.json()
    n = d["version"]
    assert n >= 2 and d["published"] is False
    assert len(d["items"]) == len(call(demo.url, "GET", CAT, o).json()["items"])
    # one draft at a time
    r = call(demo.url, "POST", CAT + "/versions", a, json={})
    assert r.status_code == 409 and str(n) in r.json()["error"]["message"]
    # a draft is not visible to others, nor used for inspections
    assert call(demo.url, "GET", CAT + "?version=%d" % n, o).status_code == 404
    assert call(demo.url, "GET", CAT + "?version=%d" % n, a).status_code == 200
    assert checklist(demo, o)[0] == 1

    # validation, in Vietnamese, with the field
    bad = [({"code": "ab c", "title_vi": "x", "applies": ["other"]}, "code"),
           ({"code": "X1", "title_vi": "  ", "applies": ["other"]}, "title_vi"),
           ({"code": "X1", "title_vi": "Có bình", "applies": []}, "applies"),
           ({"code": "X1", "title_vi": "Có bình", "applies": ["nha_la"]}, "applies"),
           ({"code": "X1", "title_vi": "Có bình", "applies": ["other"],
             "required": ["boarding_house"]}, "required"),
           ({"code": "X1", "title_vi": "Có bình", "applies": ["other"],
             "categories": ["hotel"]}, "categories"),
           ({"code": "X1", "title_vi": "Có bình", "applies": ["facility"],
             "categories": ["khong_co"]}, "categories"),
           ({"code": "X1", "title_vi": "Có bình", "applies": ["other"], "position": 1.5},
            "position")]
    for body, field in bad:
        r = call(demo.url, "POST", CAT + "/versions/%d/items" % n, a, json=body)
        assert r.status_code == 400, (body, r.text)
        e = r.json()["error"]
        assert e["field"] == field, (body, e)
        assert any(ch in e["message"] for ch in "ảãạáàâăêôơưđíóúộệ"), e
    # a code already in the draft
    r = call(demo.url, "POST", CAT + "/versions/%d/items" % n, a,
             json={"code": "HO_SO_PCCC", "title_vi": "Trùng", "applies": ["other"]})
    assert r.status_code == 409 and r.json()["error"]["field"] == "code"

    # add, edit, deactivate
    r = call(demo.url, "POST", CAT + "/versions/%d/items" % n, a,
             json={"code": "TU_DONG_NGAT_DIEN_SAC",
                   "title_vi": "Khu sạc xe điện có thiết bị tự ngắt khi quá tải",
                   "title_en": "E-bike charging point cuts off on overload",
                   "legal_basis": "Hướng dẫn thử nghiệm",
                   "applies": ["boarding_house", "mini_apartment"],
                   "required": ["boarding_house"]})
    assert r.status_code == 201, r.text
    assert r.json()["position"] > 100 and r.json()["active"] is True
    r = call(demo.url, "PATCH", CAT + "/versions/%d/items/DUNG_CU_PHA_DO" % n, a,
             json={"required": ["boarding_house", "mini_apartment"]})
    assert r.status_code == 200, r.text
    assert set(r.json()["required"]) == {"boarding_house", "mini_apartment"}
    r = call(demo.url, "PATCH", CAT + "/versions/%d/items/MAT_NA_LOC_KHOI" % n, a,
             json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    r = call(demo.url, "PATCH", CAT + "/versions/%d/items/KHONG_CO" % n, a, json={"active": False})
    assert r.status_code == 404
    # required outside applies after a merge is refused too
    r = call(demo.url, "PATCH", CAT + "/versions/%d/items/NGAN_CACH_KINH_DOANH" % n, a,
             json={"applies": ["tube_house"]})
    assert r.status_code == 400 and r.json()["error"]["field"] == "required"

    # publish
    r = call(demo.url, "POST", CAT + "/versions/%d/publish" % n, a)
    assert r.status_code == 200, r.text
    assert r.json()["published"] is True and r.json()["published_by"] == DEMO_USERS["admin"]
    r = call(demo.url, "PATCH", CAT + "/versions/%d/items/HO_SO_PCCC" % n, a,
             json={"title_vi": "Sửa sau khi công bố"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "catalogue_published"
    vers = call(demo.url, "GET", CAT + "/versions", a).json()["items"]
    assert vers[0]["version"] == n and vers[0]["published"] is True
    assert vers[-1]["version"] == 1

    # new inspections use version n
    v, codes = checklist(demo, o)
    assert v == n
    assert "TU_DONG_NGAT_DIEN_SAC" in codes and "MAT_NA_LOC_KHOI" not in codes
    house = new_house(demo, o, "12")
    r = inspect(demo, o, house, codes, fail=("DUNG_CU_PHA_DO",))
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["catalogue_version"] == str(n)
    assert res["compliance"] == "khong_dam_bao"          # now required
    assert res["failing_items"] == ["DUNG_CU_PHA_DO"]
    # an item deactivated in n is no longer accepted
    r = inspect(demo, o, house, codes + ["MAT_NA_LOC_KHOI"])
    assert r.status_code == 400 and r.json()["error"]["field"].startswith("results[")
    # the new item is missing when not answered
    r = inspect(demo, o, house, [c for c in codes if c != "TU_DONG_NGAT_DIEN_SAC"])
    assert r.status_code == 201 and "TU_DONG_NGAT_DIEN_SAC" in r.json()["missing_items"]
    # a checklist opened offline on version 1 is still answered against 1
    r = inspect(demo, o, house, checklist_v1(demo, a), fail=("DUNG_CU_PHA_DO",), version=1)
    assert r.status_code == 201, r.text
    assert r.json()["catalogue_version"] == "1" and r.json()["compliance"] == "dam_bao"
    # but not against a draft or an unknown version
    r = inspect(demo, o, house, codes, version=999)
    assert r.status_code == 400 and r.json()["error"]["field"] == "catalogue_version"

    # the version-1 inspection and its house keep their compliance
    h = call(demo.url, "GET", "/api/v1/houses/" + old_house, o).json()
    assert h["compliance"] == "dam_bao"
    lst = call(demo.url, "GET", "/api/v1/houses/%s/inspections" % old_house, o).json()["items"]
    assert lst[0]["id"] == old["id"] and lst[0]["compliance"] == "dam_bao"
    assert lst[0]["catalogue_version"] == "1"

    # every write audited
    audit = call(demo.url, "GET", "/api/v1/audit?record_type=condition_catalogue&limit=100",
                 tok("auditor")).json()["items"]
    actions = {e["action"] for e in audit}
    assert {"catalogue.draft_create", "catalogue.item_add", "catalogue.item_update",
            "catalogue.publish"} <= actions


def checklist_v1(demo, t):
    c = call(demo.url, "GET", CAT + "?version=1&house_type=boarding_house", t).json()
    return [i["code"] for i in c["items"]]


def test_publish_refuses_an_incomplete_draft(demo, tok):
    a = tok("admin")
    r = call(demo.url, "POST", CAT + "/versions", a, json={})
    assert r.status_code == 201, r.text
    n = r.json()["version"]
    # the only items required of tube houses, deactivated
    for it in r.json()["items"]:
        if "tube_house" in it["required"]:
            assert call(demo.url, "PATCH", CAT + "/versions/%d/items/%s" % (n, it["code"]), a,
                        json={"active": False}).status_code == 200
    r = call(demo.url, "POST", CAT + "/versions/%d/publish" % n, a)
    assert r.status_code == 422, r.text
    e = r.json()["error"]
    assert e["field"] == "required" and "Nhà ống" in e["message"]
    # still a draft; inspections still use the previous version
    assert call(demo.url, "GET", CAT + "?version=%d" % n, a).json()["published"] is False
    assert call(demo.url, "GET", CAT, a).json()["version"] == n - 1
    assert call(demo.url, "POST", CAT + "/versions/999/publish", a).status_code == 404
