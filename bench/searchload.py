"""The client side of the search benchmarks (bench/register.sh on SQLite,
bench/search_pg.sh on PostgreSQL): sign in as an account made on the
command line, time GET /api/v1/houses?q=...&limit=50 over a fixed mix of
address queries, and the percentiles of a list of times. 127.0.0.1 only."""
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Bench@2025pccc"
# the address queries, drawn at random (seed 7) by search_times
WORDS = ["nguyen trai", "ngo 12", "kim ma", "giai phong", "tam trinh 105", "lang",
         "phuong khuong dinh", "quan dong da", "hoang quoc viet ngo 3", "van cao",
         "ba dinh", "cau giay", "lac long quan 27", "xa dan", "thanh xuan"]


def post(base, path, body, tok=None):
    h = {"Content-Type": "application/json"}
    if tok:
        h["Authorization"] = "Bearer " + tok
    return json.load(urllib.request.urlopen(urllib.request.Request(
        base + path, method="POST", data=json.dumps(body).encode(), headers=h)))


def login(base, user):
    tok = post(base, "/api/v1/auth/login", {"username": user, "password": PASSWORD})["token"]
    # accounts made on the command line must change their password first
    try:
        post(base, "/api/v1/auth/password", {"current_password": PASSWORD,
                                             "new_password": PASSWORD + "-2"}, tok)
        tok = post(base, "/api/v1/auth/login", {"username": user,
                                                "password": PASSWORD + "-2"})["token"]
    except urllib.error.HTTPError:
        pass
    return tok


def timed_get(url, tok):
    """(milliseconds, parsed body) of one GET."""
    r = urllib.request.Request(url, headers={"Authorization": "Bearer " + tok})
    t = time.perf_counter()
    body = urllib.request.urlopen(r).read()
    return (time.perf_counter() - t) * 1000, body


def search_times(base, tok, n, rnd):
    """n searches of WORDS drawn with rnd: their times in ms, sorted."""
    times = [timed_get(base + "/api/v1/houses?limit=50&q=" +
                       urllib.parse.quote(rnd.choice(WORDS)), tok)[0] for _ in range(n)]
    return sorted(times)


def p50(times):
    return times[len(times) // 2]


def p95(times):
    return times[max(0, -(-len(times) * 95 // 100) - 1)]


def new_rnd():
    return random.Random(7)
