-- 003_alarm: alarm transmitters (devices), the events they send, and the
-- minimal incident record an alarm opens (the live-board work adds its
-- workflow tables in 005, referencing incidents(id)).
--
-- Ids are INTEGER PRIMARY KEY (SQLite rowid); the PostgreSQL backend maps
-- them to identity columns when it lands. Times are Unix milliseconds.
-- receiver and line are the hex digits after R / L ('' when absent), so
-- (account, receiver, line) can be unique.

CREATE TABLE devices (
	id INTEGER PRIMARY KEY,
	account TEXT NOT NULL,
	receiver TEXT NOT NULL DEFAULT '',
	line TEXT NOT NULL DEFAULT '',
	key TEXT,                        -- as given: hex or raw characters
	key_kind TEXT CHECK (key_kind IN ('hex', 'raw')),
	facility_id TEXT,                -- the register's facility (no FK yet)
	house_id TEXT,
	site_name TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	unit TEXT,                       -- 2025 commune code of the site
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	contacts TEXT NOT NULL DEFAULT '[]',   -- JSON [{"name","phone"}]
	supervision_s BIGINT NOT NULL DEFAULT 90
		CHECK (supervision_s BETWEEN 20 AND 2764800),
	commissioning TEXT NOT NULL DEFAULT 'registered'
		CHECK (commissioning IN ('registered', 'tested', 'live')),
	state TEXT NOT NULL DEFAULT 'normal'
		CHECK (state IN ('normal', 'alarm', 'trouble', 'comm_fail')),
	last_heard_ms BIGINT,
	created_ms BIGINT NOT NULL,
	UNIQUE (account, receiver, line)
);
CREATE INDEX devices_unit ON devices (unit, id);
CREATE INDEX devices_facility ON devices (facility_id);

-- One row per decoded event, append-only: rows arrive in id order. dedupe_key
-- = account|seq|data|index: a retransmission (same key within 10 minutes,
-- any timestamp) is stored once. The receiver keeps the keys of the last
-- 10 minutes in memory (src/alarm/dedupe.c, reloaded from here at start)
-- instead of a unique index: a unique index on these keys costs one random
-- page write per event, the in-memory check none (see bench/RESULTS.md).
-- The only secondary index is by unit (scope filters; few distinct values,
-- so inserts stay on hot pages); device and account filters scan by id.
CREATE TABLE alarm_events (
	id INTEGER PRIMARY KEY,
	device_id BIGINT,
	unit TEXT,
	facility_id TEXT,
	account TEXT NOT NULL,
	receiver TEXT NOT NULL DEFAULT '',
	line TEXT NOT NULL DEFAULT '',
	seq TEXT NOT NULL,
	dedupe_key TEXT NOT NULL,
	code TEXT NOT NULL,
	class TEXT NOT NULL,
	restore INTEGER NOT NULL DEFAULT 0,
	zone TEXT,
	partition TEXT,
	text TEXT,
	xdata TEXT,                      -- JSON object of the frame's [K...] blocks
	device_time BIGINT,              -- frame timestamp (Unix ms) when present
	received_ms BIGINT NOT NULL,
	raw TEXT                         -- the frame's data as received (decrypted)
);
CREATE INDEX alarm_events_unit ON alarm_events (unit, id);

CREATE TABLE incidents (
	id INTEGER PRIMARY KEY,
	unit TEXT,
	device_id BIGINT,
	facility_id TEXT,
	site_key TEXT NOT NULL,          -- 'f:'||facility_id or 'd:'||device_id
	site_name TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	opened_ms BIGINT NOT NULL,
	state TEXT NOT NULL DEFAULT 'open'
		CHECK (state IN ('open', 'verifying', 'confirmed', 'false_alarm', 'dispatched',
				 'closed')),
	first_event_id BIGINT,
	last_event_ms BIGINT NOT NULL,
	event_count BIGINT NOT NULL DEFAULT 1,
	closed_ms BIGINT
);
CREATE INDEX incidents_site ON incidents (site_key, state);
CREATE INDEX incidents_unit ON incidents (unit, id);
CREATE INDEX incidents_state ON incidents (state, id);
