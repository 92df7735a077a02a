-- 004_register: the register — houses (digital house ID), households and
-- residents, facilities under fire-safety management, inspections,
-- violations, penalties, suspensions and fire history (SQLite and
-- PostgreSQL: portable types only; dates are 'YYYY-MM-DD' text, instants
-- are unix seconds in BIGINT, JSON values are TEXT).
--
-- Address search: houses.address_folded holds fold_text() of the address,
-- the 2025 commune's name and the names of its legacy predecessors
-- (commune and district), so "phuong kim lien dong da" still finds a house
-- of today's Phường Kim Liên. On SQLite the store adds an FTS5 index over
-- it at first use (store/register.c, register_sqlite_extras: an external-
-- content table houses_fts plus triggers); on PostgreSQL the equivalent
-- is a pg_trgm GIN index on address_folded (to be added by pg.c's
-- migration hook) — nothing here depends on either.

-- Counters for IDs: 'house' (the serial of the digital house ID),
-- 'facility', 'inspection', 'penalty' ... Taken with
-- UPDATE ... SET value = value + n RETURNING value in the writer's
-- transaction (portable; a PG deployment may switch to sequences).
CREATE TABLE register_seq (
	name TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO register_seq (name, value) VALUES ('house', 0);
INSERT INTO register_seq (name, value) VALUES ('facility', 0);

CREATE TABLE houses (
	id TEXT PRIMARY KEY,                -- digital house ID, canonical 10 chars
	serial BIGINT NOT NULL UNIQUE,      -- houseid_serial(id)
	unit TEXT NOT NULL,                 -- 2025 commune code
	province TEXT NOT NULL,             -- 2025 province code of unit
	street TEXT,
	house_number TEXT,
	alley TEXT,                         -- ngõ / ngách / hẻm
	address_text TEXT NOT NULL,
	address_folded TEXT NOT NULL,       -- search: see above
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	house_type TEXT NOT NULL CHECK (house_type IN ('tube_house', 'detached_house',
		'mini_apartment', 'boarding_house', 'home_business', 'apartment', 'other')),
	floors INTEGER,
	basement INTEGER,
	floor_area DOUBLE PRECISION,
	year_built INTEGER,
	exits INTEGER,
	second_escape INTEGER,              -- booleans: 0/1, NULL unknown
	barred_windows INTEGER,
	escape_hatch INTEGER,
	alley_min_width_m DOUBLE PRECISION,
	truck_distance_m DOUBLE PRECISION,
	extinguishers INTEGER,
	detectors INTEGER,
	escape_ladders INTEGER,
	ground_business INTEGER,
	flammable_goods INTEGER,
	motorbikes INTEGER,
	ebikes_charged_indoors INTEGER,
	occupants INTEGER,
	vulnerable_children INTEGER,
	vulnerable_elderly INTEGER,
	vulnerable_disabled INTEGER,
	vulnerable_bedridden INTEGER,
	notes TEXT,
	declared_state TEXT NOT NULL DEFAULT 'draft'
		CHECK (declared_state IN ('draft', 'declared', 'verified', 'returned')),
	return_reason TEXT,
	declared_by TEXT,                   -- username who declared (citizen or officer)
	compliance TEXT NOT NULL DEFAULT 'chua_kiem_tra',
	failing_items TEXT NOT NULL DEFAULT '[]',   -- JSON array of item codes
	last_inspection_at TEXT,            -- date of the latest inspection
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX houses_unit ON houses (unit, id);
CREATE INDEX houses_unit_type ON houses (unit, house_type);
CREATE INDEX houses_unit_compliance ON houses (unit, compliance);
CREATE INDEX houses_province ON houses (province, id);

CREATE TABLE households (
	id BIGINT PRIMARY KEY,
	house_id TEXT NOT NULL REFERENCES houses (id),
	code TEXT NOT NULL,                 -- số hộ from population data, or '1'
	created_at BIGINT NOT NULL,
	UNIQUE (house_id, code)
);

CREATE TABLE residents (
	id BIGINT PRIMARY KEY,
	household_id BIGINT NOT NULL REFERENCES households (id),
	house_id TEXT NOT NULL REFERENCES houses (id),
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('head', 'member')),
	cccd_enc TEXT NOT NULL,             -- pii_encrypt
	cccd_bidx TEXT NOT NULL,            -- pii_blind_index (CCCD)
	cccd_mask TEXT NOT NULL,            -- pii_mask_cccd, for lists
	phone_enc TEXT,
	phone_bidx TEXT,
	phone_mask TEXT,
	birth_year INTEGER,
	created_at BIGINT NOT NULL,
	UNIQUE (cccd_bidx)
);
CREATE INDEX residents_house ON residents (house_id);
CREATE INDEX residents_household ON residents (household_id);
CREATE INDEX residents_phone ON residents (phone_bidx);

CREATE TABLE facilities (
	id TEXT PRIMARY KEY,                -- "CS" + 7 digits
	category_scheme TEXT NOT NULL DEFAULT '105/2025'
		CHECK (category_scheme IN ('105/2025', '136/2020')),
	category TEXT NOT NULL,
	name TEXT NOT NULL,
	name_folded TEXT NOT NULL,
	legal_rep TEXT,
	contacts TEXT NOT NULL DEFAULT '[]',    -- JSON [{"name","phone"}]
	house_id TEXT REFERENCES houses (id),
	unit TEXT NOT NULL,
	province TEXT NOT NULL,
	address TEXT,
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	floors INTEGER,
	height_m DOUBLE PRECISION,
	volume_m3 DOUBLE PRECISION,
	floor_area DOUBLE PRECISION,
	occupants INTEGER,
	authority TEXT NOT NULL DEFAULT 'commune' CHECK (authority IN ('fire_police', 'commune')),
	construction_permit TEXT,
	design_approval TEXT,               -- JSON {"number","date","issuer"}
	acceptance TEXT,                    -- JSON {"number","date","issuer"}
	systems TEXT NOT NULL DEFAULT '[]', -- JSON array of system ids
	must_connect_transmitter INTEGER NOT NULL DEFAULT 0,
	transmitter_connected INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'operating'
		CHECK (status IN ('operating', 'temporarily_suspended', 'suspended')),
	compliance TEXT NOT NULL DEFAULT 'chua_kiem_tra',
	failing_items TEXT NOT NULL DEFAULT '[]',
	last_inspection_at TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX facilities_unit ON facilities (unit, id);
CREATE INDEX facilities_province ON facilities (province, id);
CREATE INDEX facilities_house ON facilities (house_id);
CREATE INDEX facilities_transmitter ON facilities (must_connect_transmitter, transmitter_connected);

-- Inspections of a house or a facility (target_kind 'house'|'facility').
-- results: JSON [{"code","result":"pass|fail|not_applicable","required",
-- "note"}]; the catalogue version is kept so old records stay readable.
CREATE TABLE inspections (
	id BIGINT PRIMARY KEY,
	target_kind TEXT NOT NULL CHECK (target_kind IN ('house', 'facility')),
	target_id TEXT NOT NULL,
	unit TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('periodic', 'unannounced', 'self')),
	date TEXT NOT NULL,
	inspector TEXT NOT NULL,
	catalogue_version TEXT NOT NULL,
	results TEXT NOT NULL,
	compliance TEXT NOT NULL,
	failing_items TEXT NOT NULL,
	notes TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX inspections_target ON inspections (target_kind, target_id, date);
CREATE INDEX inspections_unit ON inspections (unit, date);

-- Violations found (one per failing item of an inspection, or entered),
-- with the remediation deadline; remediated_on set by a later passing
-- inspection or by hand.
CREATE TABLE violations (
	id BIGINT PRIMARY KEY,
	target_kind TEXT NOT NULL CHECK (target_kind IN ('house', 'facility')),
	target_id TEXT NOT NULL,
	unit TEXT NOT NULL,
	inspection_id BIGINT REFERENCES inspections (id),
	item_code TEXT,
	description TEXT NOT NULL,
	found_on TEXT NOT NULL,
	deadline TEXT,
	remediated_on TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX violations_target ON violations (target_kind, target_id);
CREATE INDEX violations_open ON violations (unit, remediated_on, deadline);

-- Administrative penalty decisions (Decree 106/2025).
CREATE TABLE penalties (
	id BIGINT PRIMARY KEY,
	facility_id TEXT NOT NULL REFERENCES facilities (id),
	unit TEXT NOT NULL,
	number TEXT NOT NULL,
	date TEXT NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),   -- đồng
	legal_basis TEXT NOT NULL,
	violation TEXT,
	paid INTEGER NOT NULL DEFAULT 0,
	paid_on TEXT,
	deadline TEXT,                      -- payment / remediation deadline
	issuer TEXT,
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (number)
);
CREATE INDEX penalties_facility ON penalties (facility_id);
CREATE INDEX penalties_open ON penalties (unit, paid, deadline);

-- Temporary suspension / suspension of operations.
CREATE TABLE suspensions (
	id BIGINT PRIMARY KEY,
	facility_id TEXT NOT NULL REFERENCES facilities (id),
	unit TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('temporary', 'suspension')),
	number TEXT NOT NULL,
	date TEXT NOT NULL,
	from_date TEXT NOT NULL,
	to_date TEXT,
	reason TEXT NOT NULL,
	lifted_on TEXT,
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX suspensions_facility ON suspensions (facility_id);

-- Fires and explosions at a house or facility.
CREATE TABLE fire_history (
	id BIGINT PRIMARY KEY,
	target_kind TEXT NOT NULL CHECK (target_kind IN ('house', 'facility')),
	target_id TEXT NOT NULL,
	unit TEXT NOT NULL,
	date TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('fire', 'explosion')),
	deaths INTEGER NOT NULL DEFAULT 0,
	injuries INTEGER NOT NULL DEFAULT 0,
	damage_vnd BIGINT,
	cause TEXT,
	notes TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX fire_history_target ON fire_history (target_kind, target_id);
