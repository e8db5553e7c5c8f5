-- What the operator and runner add to the original's table. Every change leaves the original's columns, names and
-- values as they were, so their readers (SQLModel, psql, dashboards) read old and new rows alike:
--   * new columns only, each nullable or with a default, so an INSERT naming only the original's columns works;
--   * size widens from integer to bigint for files over 2 GiB (an integer reader gets the same numbers; the
--     ALTER rewrites the table once, under a lock, when the operator first starts on it);
--   * timestamps stay `timestamp` without time zone holding UTC, as the original wrote them.
ALTER TABLE filestatusrecord
    ALTER COLUMN size TYPE bigint,
    ADD COLUMN IF NOT EXISTS pipeline    varchar,
    ADD COLUMN IF NOT EXISTS namespace   varchar,
    ADD COLUMN IF NOT EXISTS job_name    varchar,
    ADD COLUMN IF NOT EXISTS attempts    integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS progress    double precision,
    ADD COLUMN IF NOT EXISTS task        varchar,
    ADD COLUMN IF NOT EXISTS committed   bigint,
    ADD COLUMN IF NOT EXISTS error       varchar,
    ADD COLUMN IF NOT EXISTS started_dt  timestamp,
    ADD COLUMN IF NOT EXISTS finished_dt timestamp;

CREATE INDEX IF NOT EXISTS filestatusrecord_status_idx ON filestatusrecord (status, created_dt);
CREATE INDEX IF NOT EXISTS filestatusrecord_pipeline_status_idx ON filestatusrecord (namespace, pipeline, status);
