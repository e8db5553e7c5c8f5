-- One row per claimed file. The first twelve columns keep the original ray-worker's table so that existing
-- queries and dashboards keep working; the rest is what the operator and runner add.
CREATE TABLE file_status_record (
    id                uuid PRIMARY KEY,
    bucket_name       text        NOT NULL,
    file_name         text        NOT NULL,
    original_filename text        NOT NULL,
    status            varchar(16) NOT NULL
        CONSTRAINT file_status_record_status_check
        CHECK (status IN ('Queued', 'Processing', 'Complete', 'Failed', 'Canceled')),
    event_name        text,
    size              bigint,
    content_type      text,
    minio_metadata    text,
    user_dn           text,
    created_dt        timestamptz NOT NULL DEFAULT now(),
    updated_dt        timestamptz NOT NULL DEFAULT now(),

    pipeline          text,
    namespace         text,
    job_name          text,
    attempts          integer     NOT NULL DEFAULT 0,
    progress          double precision,
    task              text,
    committed         bigint,
    error             text,
    started_dt        timestamptz,
    finished_dt       timestamptz
);

CREATE INDEX file_status_record_status_idx ON file_status_record (status, created_dt);
CREATE INDEX file_status_record_pipeline_status_idx ON file_status_record (namespace, pipeline, status);
