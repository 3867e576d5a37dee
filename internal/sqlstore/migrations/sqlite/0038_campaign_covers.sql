-- A campaign's cover image (issue 16), re-encoded as a 960 × 540 JPEG before it is
-- stored (internal/proof). One row a campaign; version counts its covers and is part of
-- the cover's address, so browsers may keep an unchanged one for good.
CREATE TABLE campaign_covers (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    image       BLOB NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES accounts (id),
    updated_at  TIMESTAMP NOT NULL
);
