"""Helpers of the PostgreSQL tests (tests/pg/run.sh sets the environment):
a fresh database of the throwaway cluster per server, psql queries, and
the integration tests' Server started with --db postgres://..."""
import os
import subprocess
import uuid

PGBIN = os.environ.get("PCCC_PG_BIN", "/usr/lib/postgresql/15/bin")
BASE = os.environ.get("PCCC_PG_BASE", "")


def new_db(prefix="t"):
    """Creates an empty database; returns its postgres:// URL."""
    assert BASE, "run these tests with tests/pg/run.sh"
    name = "%s_%s" % (prefix, uuid.uuid4().hex[:12])
    subprocess.run([os.path.join(PGBIN, "createdb"), name], check=True, timeout=60)
    return BASE % name


def db_name(url):
    return url.split("@/", 1)[1].split("?", 1)[0]


def psql(url, sql, check=True):
    """Runs sql on the database of url; returns rows as lists of strings
    (raises CalledProcessError when check and psql fails)."""
    r = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-q", "-At", "-F", "\x1f",
                        "-v", "ON_ERROR_STOP=1", "-d", db_name(url), "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise subprocess.CalledProcessError(r.returncode, sql, r.stdout, r.stderr)
    if r.returncode != 0:
        return r
    return [line.split("\x1f") for line in r.stdout.splitlines() if line != ""]
