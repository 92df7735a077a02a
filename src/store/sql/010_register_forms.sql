-- 010_register_forms: numbers of the printed enforcement documents and
-- the notices already sent to household heads and facility owners
-- (src/store/register_forms.c). Portable SQL (SQLite and PostgreSQL).

-- "Số: 12/BB-PCCC": an inspection record gets its number the first time it
-- is printed, one sequence per commune (unit) and year; reprints show the
-- same number.
CREATE TABLE form_numbers (
	kind TEXT NOT NULL,                 -- 'inspection'
	record_id BIGINT NOT NULL,
	unit TEXT NOT NULL,
	year INTEGER NOT NULL,
	seq BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (kind, record_id),
	UNIQUE (kind, unit, year, seq)
);

-- Notices sent (src/register/notify_rules.h keys: "deadline_near:violation:42").
CREATE TABLE notices_sent (
	notice_key TEXT PRIMARY KEY,
	target_kind TEXT,
	target_id TEXT,
	sent_at BIGINT NOT NULL
);

-- The deadline job reads open deadlines by date and recent returns.
CREATE INDEX violations_open_deadline ON violations (deadline) WHERE remediated_on IS NULL;
CREATE INDEX penalties_unpaid_deadline ON penalties (deadline) WHERE paid = 0;
CREATE INDEX penalties_created ON penalties (created_at);
CREATE INDEX houses_returned ON houses (updated_at) WHERE declared_state = 'returned';
