-- The Kafka messages not yet on their topic. The operator and the runner write a file's message in the transaction
-- that changes its filestatusrecord row (a runner's progress in batches beside it); the operator's relay
-- (events/OutboxRelay) publishes them by seq, oldest first, and deletes each once the broker has acknowledged it.
-- A new table: the original's filestatusrecord is not touched.
CREATE TABLE IF NOT EXISTS event_outbox (
    seq        bigserial NOT NULL PRIMARY KEY,
    topic      varchar   NOT NULL,
    job_id     varchar   NOT NULL,
    message    varchar   NOT NULL,
    created_dt timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
