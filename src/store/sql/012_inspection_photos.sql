-- 012_inspection_photos: photos taken during an inspection, and the
-- version counter of houses and facilities that lets an offline client
-- find out that a record changed after it read it. Portable SQL (SQLite
-- and PostgreSQL).

-- One row per (inspection, condition item, image content). The bytes
-- live in the data directory, DIR/photos/<2 hex>/<sha256>.<jpg|png|webp>,
-- named by their SHA-256: a photo sent twice (an offline retry) is stored
-- once and answers with the same row (src/store/register_photos.c).
CREATE TABLE inspection_photos (
	id BIGINT PRIMARY KEY,
	inspection_id BIGINT NOT NULL REFERENCES inspections (id),
	item_code TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL
		CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
	bytes BIGINT NOT NULL,
	created_by TEXT,
	created_at BIGINT NOT NULL,
	UNIQUE (inspection_id, item_code, sha256)
);

-- Every write of a house or facility adds one; PATCH with If-Match (or a
-- "version" field) refuses a version that is not the current one (409).
ALTER TABLE houses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE facilities ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
