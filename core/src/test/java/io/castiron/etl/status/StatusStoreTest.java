package io.castiron.etl.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.TestServers;

@ExtendWith(TestServers.class)
class StatusStoreTest {
    static PostgresTestServer postgres;
    static PostgresTestServer.Database database;
    static StatusStore store;

    @BeforeAll
    static void freshDatabase() {
        database = postgres.newDatabase();
        store = new StatusStore(database.dataSource());
    }

    private static FileStatusRecord queued(UUID id, String name) {
        return FileStatusRecord.builder(id, "etl", "demo/02_processing/" + id + "-" + name, name)
                .eventName("s3:ObjectCreated:Put")
                .size(42L)
                .contentType("text/csv")
                .minioMetadata(Map.of("id", id.toString(), "originalFilename", name))
                .userDn("alice")
                .pipeline("etl-system", "demo")
                .build();
    }

    /** The row as any SQL client sees it, by the original's column names. */
    private static Map<String, Object> row(UUID id) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             var ps = c.prepareStatement("SELECT * FROM " + StatusStore.TABLE + " WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row " + id + " exists").isTrue();
                var row = new HashMap<String, Object>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        }
    }

    @Test
    void migrationOnAnEmptyDatabaseCreatesTheTableAndIsRepeatable() {
        var fresh = new StatusStore(postgres.newEmptyDatabase().dataSource());
        assertThat(fresh.migrate()).isPositive();
        assertThat(fresh.migrate()).as("second run").isZero();
        assertThat(fresh.findByStatus(FileStatus.QUEUED)).isEmpty();
    }

    @Test
    void insertWritesTheOriginalColumnsAndIsIdempotent() throws SQLException {
        UUID id = UUID.randomUUID();
        assertThat(store.insert(queued(id, "people.csv"))).isTrue();
        assertThat(store.insert(queued(id, "other.csv"))).as("second insert of the same id").isFalse();

        var row = row(id);
        assertThat(row).containsEntry("id", id)
                .containsEntry("bucket_name", "etl")
                .containsEntry("file_name", "demo/02_processing/" + id + "-people.csv")
                .containsEntry("original_filename", "people.csv")
                .containsEntry("status", "Queued")
                .containsEntry("event_name", "s3:ObjectCreated:Put")
                .containsEntry("size", 42L)
                .containsEntry("content_type", "text/csv")
                .containsEntry("minio_metadata", "{\"id\":\"" + id + "\",\"originalFilename\":\"people.csv\"}")
                .containsEntry("user_dn", "alice")
                .containsEntry("pipeline", "demo")
                .containsEntry("namespace", "etl-system")
                .containsEntry("attempts", 0);
        assertThat(row.get("created_dt")).isNotNull();
        assertThat(row.get("updated_dt")).isNotNull();
        assertThat(row.get("started_dt")).isNull();
    }

    @Test
    void processingProgressAndCompletionAreRecorded() throws SQLException {
        UUID id = UUID.randomUUID();
        store.insert(queued(id, "a.csv"));

        store.markProcessing(id, 1, "demo-a-csv-1234");
        store.updateProgress(id, 0.4, "loading", null);
        store.updateProgress(id, null, null, 120L);
        assertThat(row(id)).containsEntry("status", "Processing")
                .containsEntry("attempts", 1)
                .containsEntry("job_name", "demo-a-csv-1234")
                .containsEntry("progress", 0.4)
                .containsEntry("task", "loading")
                .containsEntry("committed", 120L);
        assertThat(row(id).get("started_dt")).isNotNull();

        store.finish(id, FileStatus.COMPLETE, "demo/03_archive/" + id + "-a.csv", null);
        var done = store.findById(id).orElseThrow();
        assertThat(done.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(done.fileName()).isEqualTo("demo/03_archive/" + id + "-a.csv");
        assertThat(done.finishedDt()).isNotNull();
        assertThat(done.updatedDt()).isAfterOrEqualTo(done.createdDt());
        assertThat(done.error()).isNull();
    }

    @Test
    void failureKeepsTheErrorAndARetryClearsIt() {
        UUID id = UUID.randomUUID();
        store.insert(queued(id, "b.csv"));
        store.markProcessing(id, 1, "job-1");
        store.finish(id, FileStatus.FAILED, null, "processor exited with 2");
        var failed = store.findById(id).orElseThrow();
        assertThat(failed.status()).isEqualTo(FileStatus.FAILED);
        assertThat(failed.error()).isEqualTo("processor exited with 2");
        assertThat(failed.fileName()).as("null key keeps the key").endsWith("-b.csv");

        store.markProcessing(id, 2, "job-2");
        var retried = store.findById(id).orElseThrow();
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.error()).isNull();
        assertThat(retried.finishedDt()).isNull();
    }

    @Test
    void aCancelAndARunnerStartingTheFileCannotBothWin() {
        UUID canceledFirst = UUID.randomUUID();
        store.insert(queued(canceledFirst, "c.csv"));
        assertThat(store.cancelUnlessStarted(canceledFirst)).isTrue();
        assertThat(store.cancelUnlessStarted(canceledFirst)).as("a retried cancel").isTrue();
        assertThat(store.markProcessing(canceledFirst, 1, "job-1")).isFalse();
        assertThat(store.findById(canceledFirst).orElseThrow().status()).isEqualTo(FileStatus.CANCELED);

        UUID startedFirst = UUID.randomUUID();
        store.insert(queued(startedFirst, "d.csv"));
        assertThat(store.markProcessing(startedFirst, 1, "job-1")).isTrue();
        assertThat(store.cancelUnlessStarted(startedFirst)).isFalse();
        assertThat(store.findById(startedFirst).orElseThrow().status()).isEqualTo(FileStatus.PROCESSING);
        store.finish(startedFirst, FileStatus.COMPLETE, null, null);
        assertThat(store.cancelUnlessStarted(startedFirst)).as("a finished file").isFalse();
    }

    @Test
    void finishUnlessFinishedRecordsAnOutcomeOnlyWhereNoneIsRecorded() {
        UUID unrecorded = UUID.randomUUID();
        store.insert(queued(unrecorded, "e.csv"));
        store.markProcessing(unrecorded, 1, "job-1");
        assertThat(store.finishUnlessFinished(unrecorded, FileStatus.COMPLETE, "demo/03_archive/e.csv", null))
                .isTrue();
        var recorded = store.findById(unrecorded).orElseThrow();
        assertThat(recorded.status()).isEqualTo(FileStatus.COMPLETE);
        assertThat(recorded.fileName()).isEqualTo("demo/03_archive/e.csv");
        assertThat(recorded.finishedDt()).isNotNull();

        UUID failed = UUID.randomUUID();
        store.insert(queued(failed, "f.csv"));
        store.markProcessing(failed, 1, "job-1");
        store.finish(failed, FileStatus.FAILED, null, "processor exited with 2");
        assertThat(store.finishUnlessFinished(failed, FileStatus.COMPLETE, "demo/03_archive/f.csv", null)).isFalse();
        assertThat(store.findById(failed).orElseThrow().status()).isEqualTo(FileStatus.FAILED);
        assertThat(store.findById(failed).orElseThrow().error()).isEqualTo("processor exited with 2");

        assertThat(store.finishUnlessFinished(UUID.randomUUID(), FileStatus.FAILED, null, "gone")).isFalse();
    }

    @Test
    void findByStatusReturnsOnlyThatStatusOldestFirst() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID canceled = UUID.randomUUID();
        store.insert(queued(first, "1.csv"));
        store.insert(queued(second, "2.csv"));
        store.insert(queued(canceled, "3.csv"));
        store.finish(canceled, FileStatus.CANCELED, "demo/05_canceled/" + canceled + "-3.csv", null);

        assertThat(store.findByStatus(FileStatus.QUEUED)).extracting(FileStatusRecord::id)
                .containsSubsequence(first, second).doesNotContain(canceled);
        assertThat(store.findByStatus(FileStatus.CANCELED)).extracting(FileStatusRecord::id).contains(canceled);
    }

    @Test
    void updatesOfAMissingRowNameTheId() {
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> store.markProcessing(id, 1, "job"))
                .isInstanceOf(StatusStoreException.class).hasMessageContaining(id.toString());
        assertThatThrownBy(() -> store.finish(id, FileStatus.QUEUED, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id.toString());
        assertThat(store.findById(id)).isEmpty();
    }

    @Test
    void deleteRemovesTheRow() {
        UUID id = UUID.randomUUID();
        store.insert(queued(id, "d.csv"));
        store.updateKey(id, "demo/01_inbox/d.csv");
        assertThat(store.findById(id)).get().extracting(FileStatusRecord::fileName).isEqualTo("demo/01_inbox/d.csv");
        assertThat(store.delete(id)).isTrue();
        assertThat(store.delete(id)).isFalse();
        assertThat(store.findById(id)).isEmpty();
    }
}
