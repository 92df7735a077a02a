"""pytest plugin of `tests/pg/run.sh --integ FILE...`: every Server of the
integration tests (tests/integ/conftest.py) gets a PostgreSQL database of
the throwaway cluster, one per data directory, so a restart on the same
directory finds its data again. Tests that open DATA/pccc.db with sqlite3
themselves cannot pass this way."""
import os
import sys

from pgutil import new_db

_dbs = {}


def _patch(mod):
    cls = getattr(mod, "Server", None)
    if cls is None or getattr(cls, "_pg_patched", False):
        return
    orig = cls.__init__

    def init(self, data_dir, command="serve", extra=None, env=None):
        extra = list(extra or [])
        if "--db" not in extra:
            key = str(data_dir)
            if key not in _dbs:
                _dbs[key] = new_db("integ")
            extra += ["--db", _dbs[key]]
        orig(self, data_dir, command, extra, env)

    cls.__init__ = init
    cls._pg_patched = True
    run = getattr(mod, "run_pccc", None)
    if run is not None:
        def run_pg(*args, **kw):
            args = list(args)
            if "--data" in args and "--db" not in args:
                i = args.index("--data")
                if i + 1 < len(args):
                    key = str(args[i + 1])
                    if key not in _dbs:
                        _dbs[key] = new_db("integ")
                    args += ["--db", _dbs[key]]
            return run(*args, **kw)
        mod.run_pccc = run_pg


def pytest_plugin_registered(plugin, manager):
    f = getattr(plugin, "__file__", "") or ""
    if f.endswith(os.path.join("tests", "integ", "conftest.py")):
        _patch(plugin)


def pytest_collection_finish(session):
    mod = sys.modules.get("conftest")
    if mod is not None:
        _patch(mod)
    for m in list(sys.modules.values()):
        if (getattr(m, "__file__", "") or "").endswith(os.path.join("tests", "integ", "conftest.py")):
            _patch(m)
