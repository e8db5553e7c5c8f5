-- A database as the original ray-worker leaves it after Alembic revision 7a44763368c2 and a few files, written for
-- this project's tests from the description in BEHAVIOUR.md (no Flyway history: the original used Alembic).
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('7a44763368c2');

CREATE TABLE filestatusrecord (
    id UUID NOT NULL,
    bucket_name VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    original_filename VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    event_name VARCHAR NOT NULL,
    content_type VARCHAR NOT NULL,
    minio_metadata VARCHAR NOT NULL,
    user_dn VARCHAR,
    size INTEGER,
    created_dt TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    updated_dt TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (id)
);

INSERT INTO filestatusrecord VALUES
    ('0b7f3c52-8d0e-4c1a-9f43-2f6a1d5e7c01', 'etl', 'invoices/03_archive/0b7f3c52-8d0e-4c1a-9f43-2f6a1d5e7c01-march.csv',
     'march.csv', 'Complete', 's3:ObjectCreated:Put', 'text/csv',
     '{"content-type": "text/csv", "x-amz-meta-owner_dn": "CN=Ada,O=Example"}', 'CN=Ada,O=Example', 2048,
     '2024-03-31 22:15:00', '2024-03-31 22:15:07'),
    ('5d2e9a10-47b3-4f8e-a6c5-93e1b0d2f402', 'etl', 'invoices/04_failed/5d2e9a10-47b3-4f8e-a6c5-93e1b0d2f402-april.csv',
     'april.csv', 'Failed', 's3:ObjectCreated:CompleteMultipartUpload', 'text/csv', '{}', NULL, 2147483647,
     '2024-04-30 23:59:59', '2024-05-01 00:00:03'),
    ('9a4c6e21-0f5b-4d7e-8b2a-c7d3e9f1a503', 'etl', 'invoices/01_inbox/9a4c6e21-0f5b-4d7e-8b2a-c7d3e9f1a503-may.csv',
     'may.csv', 'Queued', 's3:ObjectCreated:Put', 'text/csv', '{}', NULL, 10,
     '2024-05-31 08:00:00', '2024-05-31 08:00:00');
