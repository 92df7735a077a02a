-- 001_init: metadata and administrative units (SQLite and PostgreSQL).
-- Units of both schemes share one table keyed (scheme, code): '2025'
-- (province > commune, since 1/7/2025) and 'legacy' (province > district >
-- commune). A commune code alone does not tell the schemes apart: a 2025
-- commune reuses one predecessor's code.

CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE units (
	scheme TEXT NOT NULL CHECK (scheme IN ('2025', 'legacy')),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	name_folded TEXT NOT NULL,      -- fold_text(name): search
	name_core TEXT NOT NULL,        -- fold_text(name without type): order
	type TEXT NOT NULL,             -- Thành phố, Tỉnh, Quận, Huyện, Thị xã, Phường, Xã, Thị trấn, Đặc khu
	level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
	parent TEXT,                    -- code of the parent in the same scheme
	lat DOUBLE PRECISION,
	lon DOUBLE PRECISION,
	area_km2 DOUBLE PRECISION,
	population BIGINT,
	PRIMARY KEY (scheme, code),
	FOREIGN KEY (scheme, parent) REFERENCES units (scheme, code)
		DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX units_parent ON units (scheme, parent, name_core);
CREATE INDEX units_level ON units (level, scheme);
CREATE INDEX units_name_folded ON units (name_folded);

-- The 2025 units a legacy unit went into (a divided commune has several).
CREATE TABLE unit_successors (
	legacy_code TEXT NOT NULL,
	new_code TEXT NOT NULL,
	PRIMARY KEY (legacy_code, new_code)
);
CREATE INDEX unit_successors_new ON unit_successors (new_code);
