-- 002_auth: accounts, sessions and the audit trail (SQLite and PostgreSQL,
-- except the two triggers at the end: see there).
--
-- Ids are assigned by the store (max + 1 inside a write transaction), so
-- the same DDL serves both backends without SERIAL / AUTOINCREMENT.
-- Booleans are INTEGER 0/1. Times are Unix milliseconds (BIGINT).

CREATE TABLE accounts (
	id BIGINT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,          -- lowercase [a-z0-9._@:-]
	display_name TEXT NOT NULL DEFAULT '',
	name_folded TEXT NOT NULL DEFAULT '',   -- fold_text(username + display_name): search
	role TEXT NOT NULL CHECK (role IN ('citizen', 'facility_owner', 'commune_officer',
		'fire_team', 'city_fire_police', 'dispatcher', 'auditor', 'admin')),
	home_unit TEXT,                         -- 2025 unit code; NULL: none (eID citizens)
	password_hash TEXT,                     -- argon2id string; NULL: no password sign-in
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_ms BIGINT NOT NULL,
	updated_ms BIGINT NOT NULL,
	-- citizens (personal data: encrypted, found by the keyed blind index)
	cccd_enc TEXT,
	cccd_bidx TEXT,
	phone_enc TEXT,
	phone_bidx TEXT,
	house_id TEXT,                          -- a citizen's digital house id
	facility_id TEXT                        -- a facility owner's facility
);
CREATE UNIQUE INDEX accounts_cccd ON accounts (cccd_bidx) WHERE cccd_bidx IS NOT NULL;
CREATE INDEX accounts_phone ON accounts (phone_bidx);
CREATE INDEX accounts_unit ON accounts (home_unit, id);

-- A fire team's covered communes (2025 codes), besides its home unit.
CREATE TABLE account_communes (
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	commune TEXT NOT NULL,
	PRIMARY KEY (account_id, commune)
);

-- Sessions: only the SHA-256 of the token is kept. csrf_secret keys the
-- session's CSRF token (HMAC of token_hash), so CSRF tokens survive a
-- restart and work on every node.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_ms BIGINT NOT NULL,
	last_seen_ms BIGINT NOT NULL,
	expires_ms BIGINT NOT NULL,             -- absolute expiry
	remote TEXT,
	user_agent TEXT,
	csrf_secret TEXT NOT NULL,              -- 64 hex digits
	method TEXT NOT NULL DEFAULT 'password' -- 'password' | 'vneid'
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_ms);

-- The audit trail: append-only, each row carries the hash of the previous
-- one (src/auth/audit_chain.h; `pccc audit verify` walks it). fields is
-- JSON kept as text byte for byte.
CREATE TABLE audit (
	seq BIGINT PRIMARY KEY,
	ts_ms BIGINT NOT NULL,
	actor TEXT,
	role TEXT,
	unit TEXT,
	action TEXT NOT NULL,
	record_type TEXT,
	record_id TEXT,
	fields TEXT,
	remote TEXT,
	request_id TEXT,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_ts ON audit (ts_ms);
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_record ON audit (record_type, record_id);

-- Append-only: updates and deletes of audit rows are refused by the
-- database itself. The PostgreSQL backend (pg.c) runs the "postgres"
-- block below instead of the "sqlite" one (a deployment may also REVOKE
-- UPDATE, DELETE ON audit FROM the application role).
-- begin sqlite
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
-- end sqlite
-- begin postgres
-- CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
-- $$BEGIN RAISE EXCEPTION 'audit is append-only'; END$$;
-- CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
-- FOR EACH ROW EXECUTE FUNCTION audit_append_only();
-- CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
-- FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
-- end postgres
