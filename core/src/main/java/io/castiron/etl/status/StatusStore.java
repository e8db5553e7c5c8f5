package io.castiron.etl.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import io.castiron.etl.config.Settings;
import io.castiron.etl.events.Event;
import io.castiron.etl.events.EventOutbox;
import io.castiron.etl.events.JobStatus;

/**
 * Reads and writes {@code filestatusrecord}, the original ray-worker's table, with plain JDBC. Every timestamp is
 * the database's {@code now()} in UTC, stored without a time zone as the original stored it. Updates of a row that
 * does not exist fail with a {@link StatusStoreException} naming the id.
 *
 * <p>The Kafka message that reports a change of the row goes into the {@link EventOutbox} in the same transaction
 * as the change: {@code job_created} with the new row, the final status when {@link #finish} changes the status,
 * {@code processing} when a runner attempt starts (if the outbox announces it). A committed change always has its
 * message, and a retried write that changes nothing adds none.
 */
public final class StatusStore {
    public static final String TABLE = "filestatusrecord";
    /** The original's timestamps: naive UTC ({@code timestamp} without time zone). */
    private static final String NOW = "(now() AT TIME ZONE 'UTC')";
    private static final String COLUMNS = "id, bucket_name, file_name, original_filename, status, event_name, size,"
            + " content_type, minio_metadata, user_dn, created_dt, updated_dt, pipeline, namespace, job_name,"
            + " attempts, progress, task, committed, error, started_dt, finished_dt";

    private final DataSource dataSource;
    private final EventOutbox outbox;

    /** A store that writes no Kafka messages. */
    public StatusStore(DataSource dataSource) {
        this(dataSource, EventOutbox.disabled());
    }

    public StatusStore(DataSource dataSource, EventOutbox outbox) {
        this.dataSource = dataSource;
        this.outbox = outbox;
    }

    /**
     * A store on the Postgres of {@code settings}, writing messages for their Kafka topic, for a short-lived process
     * (the runner): connections are reused while they have been idle less than a minute, so a run logs in once, not
     * once per statement. A server should pool {@link #dataSource(Settings)} instead.
     */
    public static StatusStore from(Settings settings) {
        return new StatusStore(new ReusingDataSource(dataSource(settings), Duration.ofMinutes(1)),
                EventOutbox.from(settings));
    }

    public static DataSource dataSource(Settings settings) {
        var dataSource = new PGSimpleDataSource();
        dataSource.setUrl(settings.postgresUrl());
        dataSource.setUser(settings.postgresUser());
        dataSource.setPassword(settings.postgresPassword());
        return dataSource;
    }

    /**
     * Applies the schema migrations in {@code classpath:db/migration}; returns how many were applied now. A
     * database the original created (its tables, no Flyway history) is baselined at version 0, so every migration
     * runs on it and keeps its rows: V1 finds the original's table, V2 adds the operator's columns.
     */
    public int migrate() {
        try {
            return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .baselineOnMigrate(true).baselineVersion("0")
                    .baselineDescription("a database without Flyway history, e.g. one ray-worker created")
                    .load().migrate().migrationsExecuted;
        } catch (RuntimeException e) {
            throw new StatusStoreException("cannot migrate the " + TABLE + " schema: " + e.getMessage(), e);
        }
    }

    /** Inserts the row unless one with its id exists (staging may be retried); true when it inserted. */
    public boolean insert(FileStatusRecord r) {
        return insert(r, null);
    }

    /**
     * Inserts the row unless one with its id exists and, in the same transaction, queues {@code announced} (the
     * file's {@code job_created}; null for none) when it inserted: a retried staging neither loses nor repeats it.
     */
    public boolean insert(FileStatusRecord r, Event announced) {
        String sql = "INSERT INTO " + TABLE + " (id, bucket_name, file_name, original_filename, status, event_name,"
                + " size, content_type, minio_metadata, user_dn, pipeline, namespace, created_dt, updated_dt)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + NOW + ", " + NOW + ") ON CONFLICT (id) DO NOTHING";
        return inTransaction("insert", r.id(), c -> {
            boolean inserted = execute(c, sql, ps -> {
                ps.setObject(1, r.id());
                ps.setString(2, r.bucketName());
                ps.setString(3, r.fileName());
                ps.setString(4, r.originalFilename());
                ps.setString(5, r.status().value());
                ps.setString(6, r.eventName());
                setLong(ps, 7, r.size());
                ps.setString(8, r.contentType());
                ps.setString(9, r.minioMetadata());
                ps.setString(10, r.userDn());
                ps.setString(11, r.pipeline());
                ps.setString(12, r.namespace());
            }) == 1;
            if (inserted && announced != null) {
                outbox.append(c, List.of(announced));
            }
            return inserted;
        });
    }

    /**
     * Status Processing for attempt {@code attempt} run by {@code jobName}; clears a previous attempt's outcome.
     * Queues a {@code processing} message with it when the outbox announces attempts. False, and nothing changed,
     * when the file was canceled before it started ({@link #cancelUnlessStarted}): the one statement decides between
     * a runner starting the file and a cancel taking it out of a batch.
     */
    public boolean markProcessing(UUID id, int attempt, String jobName) {
        return inTransaction("mark processing", id, c -> {
            int updated = execute(c,
                    "UPDATE " + TABLE + " SET status = ?, attempts = ?, job_name = ?, started_dt = " + NOW + ","
                            + " finished_dt = NULL, error = NULL, updated_dt = " + NOW + " WHERE id = ? AND status <> ?",
                    ps -> {
                        ps.setString(1, FileStatus.PROCESSING.value());
                        ps.setInt(2, attempt);
                        ps.setString(3, jobName);
                        ps.setObject(4, id);
                        ps.setString(5, FileStatus.CANCELED.value());
                    });
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE id = ?")) {
                    ps.setObject(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        requireRow("mark processing", id, rs.next() ? 1 : 0);
                    }
                }
                return false;
            }
            if (outbox.announcesProcessing()) {
                outbox.append(c, List.of(Event.status(id.toString(), JobStatus.PROCESSING)));
            }
            return true;
        });
    }

    /**
     * Marks the file Canceled unless a runner has started it (its status is past Queued): true when the file is now
     * Canceled and no runner will start it, false when a runner has it or it has finished. Compare
     * {@link #markProcessing}. The {@code canceled} message comes with {@link #finish}, which records the cancel.
     */
    public boolean cancelUnlessStarted(UUID id) {
        return update("cancel", id, "UPDATE " + TABLE + " SET status = ?, updated_dt = " + NOW
                + " WHERE id = ? AND status IN (?, ?)", ps -> {
                    ps.setString(1, FileStatus.CANCELED.value());
                    ps.setObject(2, id);
                    ps.setString(3, FileStatus.QUEUED.value());
                    ps.setString(4, FileStatus.CANCELED.value());
                }) == 1;
    }

    /** Records progress; a null argument keeps the stored value. */
    public void updateProgress(UUID id, Double progress, String task, Long committed) {
        requireRow("update progress of", id, update("update progress of", id,
                "UPDATE " + TABLE + " SET progress = COALESCE(?, progress), task = COALESCE(?, task),"
                        + " committed = COALESCE(?, committed), updated_dt = " + NOW + " WHERE id = ?",
                ps -> {
                    if (progress == null) {
                        ps.setNull(1, Types.DOUBLE);
                    } else {
                        ps.setDouble(1, progress);
                    }
                    ps.setString(2, task);
                    setLong(ps, 3, committed);
                    ps.setObject(4, id);
                }));
    }

    /**
     * Records the outcome: a final status, the key the file now has (null keeps it) and the error (null for
     * none). Unless the row was finished with this status already, the status message ({@code success},
     * {@code failure}, {@code canceled}) is queued in the same transaction: finishing a row again queues nothing, so
     * each file gets one.
     */
    public void finish(UUID id, FileStatus status, String key, String error) {
        requireFinal(id, status);
        inTransaction("finish", id, c -> finish(c, id, status, key, error, false));
    }

    /**
     * As {@link #finish}, unless the row has an outcome already: for the operator, which finds a file where a runner
     * left it (archived, say) and cannot know whether that runner lived to record it. True when this call recorded
     * the outcome; false, and nothing changed, when the row was finished or does not exist.
     */
    public boolean finishUnlessFinished(UUID id, FileStatus status, String key, String error) {
        requireFinal(id, status);
        return inTransaction("finish", id, c -> finish(c, id, status, key, error, true));
    }

    private static void requireFinal(UUID id, FileStatus status) {
        if (!status.isFinal()) {
            throw new IllegalArgumentException("cannot finish file " + id + " with status " + status
                    + "; use Complete, Failed or Canceled");
        }
    }

    /** One statement: returns false when {@code unlessFinished} and the row was finished (or is missing). */
    private boolean finish(Connection c, UUID id, FileStatus status, String key, String error, boolean unlessFinished)
            throws SQLException {
        // the subquery locks the row and returns what it said before this update
        String sql = "UPDATE " + TABLE + " f SET status = ?, file_name = COALESCE(?, f.file_name), error = ?,"
                + " finished_dt = " + NOW + ", updated_dt = " + NOW
                + " FROM (SELECT id, status, finished_dt FROM " + TABLE + " WHERE id = ? FOR UPDATE) before"
                + " WHERE f.id = before.id" + (unlessFinished ? " AND before.finished_dt IS NULL" : "")
                + " RETURNING before.status, before.finished_dt IS NOT NULL";
        boolean recordedBefore;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status.value());
            ps.setString(2, key);
            ps.setString(3, error);
            ps.setObject(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    if (unlessFinished) {
                        return false;
                    }
                    requireRow("finish", id, 0);
                }
                // a cancel taking a file out of a batch sets Canceled first, without finishing the row
                recordedBefore = status.value().equals(rs.getString(1)) && rs.getBoolean(2);
            }
        }
        if (!recordedBefore) {
            outbox.append(c, List.of(Event.status(id.toString(), JobStatus.of(status))));
        }
        return true;
    }

    /**
     * Queues {@code events} (a runner's progress messages), in this order, in a transaction of their own; nothing
     * when the outbox is disabled.
     */
    public void queueEvents(List<Event> events) {
        if (!queuesEvents() || events.isEmpty()) {
            return;
        }
        inTransaction("queue " + events.size() + " messages of", events.get(0).jobId(), c -> {
            outbox.append(c, events);
            return null;
        });
    }

    /** Whether this store writes Kafka messages (false without Kafka bootstrap servers). */
    public boolean queuesEvents() {
        return outbox.enabled();
    }

    /** The file's object moved to {@code key}. */
    public void updateKey(UUID id, String key) {
        requireRow("update key of", id, update("update key of", id,
                "UPDATE " + TABLE + " SET file_name = ?, updated_dt = " + NOW + " WHERE id = ?",
                ps -> {
                    ps.setString(1, key);
                    ps.setObject(2, id);
                }));
    }

    /** Sets the status alone (e.g. back to Queued when a file is re-admitted). */
    public void updateStatus(UUID id, FileStatus status) {
        requireRow("update status of", id, update("update status of", id,
                "UPDATE " + TABLE + " SET status = ?, updated_dt = " + NOW + " WHERE id = ?",
                ps -> {
                    ps.setString(1, status.value());
                    ps.setObject(2, id);
                }));
    }

    public Optional<FileStatusRecord> findById(UUID id) {
        var rows = query("find", id, "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ?",
                ps -> ps.setObject(1, id));
        return rows.stream().findFirst();
    }

    /** Rows with {@code status}, oldest first. */
    public List<FileStatusRecord> findByStatus(FileStatus status) {
        return query("find by status " + status, null,
                "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE status = ? ORDER BY created_dt, id",
                ps -> ps.setString(1, status.value()));
    }

    /** Deletes the row; true when there was one. */
    public boolean delete(UUID id) {
        return update("delete", id, "DELETE FROM " + TABLE + " WHERE id = ?", ps -> ps.setObject(1, id)) == 1;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none. */
    private <T> T inTransaction(String operation, Object id, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                c.setAutoCommit(true); // a reused connection goes back as it came
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StatusStoreException("cannot " + operation + " " + TABLE + " row " + id + ": " + e.getMessage(),
                    e);
        }
    }

    private static int execute(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    private int update(String operation, UUID id, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StatusStoreException("cannot " + operation + " " + TABLE + " row " + id + ": " + e.getMessage(), e);
        }
    }

    private List<FileStatusRecord> query(String operation, UUID id, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                var rows = new ArrayList<FileStatusRecord>();
                while (rs.next()) {
                    rows.add(read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new StatusStoreException("cannot " + operation + " " + TABLE + " row" + (id == null ? "s" : " " + id)
                    + ": " + e.getMessage(), e);
        }
    }

    private static void requireRow(String operation, UUID id, int updated) {
        if (updated == 0) {
            throw new StatusStoreException("cannot " + operation + " file " + id + ": no " + TABLE + " row has that id");
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static FileStatusRecord read(ResultSet rs) throws SQLException {
        return new FileStatusRecord(
                rs.getObject("id", UUID.class),
                rs.getString("bucket_name"),
                rs.getString("file_name"),
                rs.getString("original_filename"),
                FileStatus.fromValue(rs.getString("status")),
                rs.getString("event_name"),
                rs.getObject("size", Long.class),
                rs.getString("content_type"),
                rs.getString("minio_metadata"),
                rs.getString("user_dn"),
                instant(rs, "created_dt"),
                instant(rs, "updated_dt"),
                rs.getString("pipeline"),
                rs.getString("namespace"),
                rs.getString("job_name"),
                rs.getInt("attempts"),
                rs.getObject("progress", Double.class),
                rs.getString("task"),
                rs.getObject("committed", Long.class),
                rs.getString("error"),
                instant(rs, "started_dt"),
                instant(rs, "finished_dt"));
    }

    /** A naive UTC timestamp as an instant, whatever the JVM's time zone. */
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }
}
