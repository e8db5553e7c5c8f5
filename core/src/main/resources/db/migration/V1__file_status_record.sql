-- The original ray-worker's schema as its Alembic revision 7a44763368c2 left it: table filestatusrecord (SQLModel's
-- name for class FileStatusRecord) and alembic_version stamped with that revision. On a database the original
-- created, Flyway baselines at version 0 (StatusStore.migrate), so this runs there too: it finds both tables and
-- changes nothing. On an empty database it creates them, so the original could still be pointed back at it.
CREATE TABLE IF NOT EXISTS filestatusrecord (
    id                uuid      NOT NULL PRIMARY KEY,
    bucket_name       varchar   NOT NULL,
    file_name         varchar   NOT NULL,
    original_filename varchar   NOT NULL,
    status            varchar   NOT NULL,
    event_name        varchar,
    content_type      varchar,
    minio_metadata    varchar,
    user_dn           varchar,
    size              integer,
    created_dt        timestamp NOT NULL,
    updated_dt        timestamp NOT NULL
);

CREATE TABLE IF NOT EXISTS alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

INSERT INTO alembic_version (version_num)
SELECT '7a44763368c2' WHERE NOT EXISTS (SELECT 1 FROM alembic_version);
