package io.castiron.etl.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * A team switching from the original keeps its database: the operator's migration starts on what the original
 * left (its table, its Alembic stamp, its rows, no Flyway history) and writes new rows that the original's readers
 * read like the old ones.
 */
@ExtendWith(TestServers.class)
class RayWorkerDatabaseTest {
    /** The columns the original's readers select, in its order. */
    private static final String ORIGINAL_COLUMNS = "id, bucket_name, file_name, original_filename, status, event_name,"
            + " content_type, minio_metadata, user_dn, size, created_dt, updated_dt";
    private static final UUID MARCH = UUID.fromString("0b7f3c52-8d0e-4c1a-9f43-2f6a1d5e7c01");
    private static final UUID APRIL = UUID.fromString("5d2e9a10-47b3-4f8e-a6c5-93e1b0d2f402");
    private static final UUID MAY = UUID.fromString("9a4c6e21-0f5b-4d7e-8b2a-c7d3e9f1a503");

    static PostgresTestServer postgres;
    DataSource database;
    StatusStore store;

    @BeforeEach
    void databaseTheOriginalLeft() throws Exception {
        database = postgres.newEmptyDatabase().dataSource();
        try (InputStream in = getClass().getResourceAsStream("/db/ray-worker-database.sql");
             Connection c = database.getConnection(); var statement = c.createStatement()) {
            statement.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        store = new StatusStore(database);
    }

    @Test
    void migrationStartsOnTheOriginalsDatabaseAndKeepsItsRows() throws SQLException {
        List<Map<String, Object>> before = originalRows();

        assertThat(store.migrate()).as("migrations applied on the original's database").isPositive();
        assertThat(store.migrate()).as("second start").isZero();

        assertThat(originalRows()).as("the original's columns of its rows, unchanged").isEqualTo(before);
        assertThat(single("SELECT version_num FROM alembic_version")).isEqualTo("7a44763368c2");
        var april = store.findById(APRIL).orElseThrow();
        assertThat(april.status()).isEqualTo(FileStatus.FAILED);
        assertThat(april.size()).isEqualTo(2_147_483_647L);
        assertThat(april.createdDt()).as("naive timestamps are UTC")
                .isEqualTo(LocalDateTime.parse("2024-04-30T23:59:59").toInstant(ZoneOffset.UTC));
        assertThat(april.attempts()).isZero();
        assertThat(store.findByStatus(FileStatus.QUEUED)).extracting(FileStatusRecord::id).containsExactly(MAY);
    }

    @Test
    void newRowsLandInTheOriginalsTableAsItsReadersExpect() throws SQLException {
        store.migrate();
        UUID id = UUID.randomUUID();
        long threeGiB = 3L * 1024 * 1024 * 1024;
        store.insert(FileStatusRecord.builder(id, "etl", "invoices/02_processing/" + id + "-june.csv", "june.csv")
                .eventName("s3:ObjectCreated:Put")
                .contentType("text/csv")
                .size(threeGiB)
                .minioMetadata(Map.of("originalFilename", "june.csv"))
                .pipeline("etl", "invoices")
                .build());
        store.markProcessing(id, 1, "invoices-june-1");
        store.finish(id, FileStatus.COMPLETE, "invoices/03_archive/" + id + "-june.csv", null);

        var rows = originalRows();
        assertThat(rows).extracting(row -> row.get("id")).containsExactly(MARCH, APRIL, MAY, id);
        var june = rows.get(3);
        assertThat(june).containsEntry("status", "Complete")
                .containsEntry("file_name", "invoices/03_archive/" + id + "-june.csv")
                .containsEntry("original_filename", "june.csv")
                .containsEntry("size", threeGiB);
        assertThat(june.get("created_dt")).as("a timestamp without time zone, as the original wrote")
                .isInstanceOf(java.sql.Timestamp.class);
        var created = ((java.sql.Timestamp) june.get("created_dt")).toLocalDateTime();
        assertThat(created).as("UTC, whatever the server's time zone")
                .isCloseTo(LocalDateTime.now(ZoneOffset.UTC), within(1, ChronoUnit.MINUTES));
    }

    @Test
    void anEmptyDatabaseGetsTheOriginalsSchema() throws SQLException {
        var empty = postgres.newEmptyDatabase().dataSource();
        new StatusStore(empty).migrate();
        database = empty;

        assertThat(columnTypes()).containsAllEntriesOf(Map.of(
                "id", "uuid", "bucket_name", "character varying", "status", "character varying",
                "size", "bigint", "created_dt", "timestamp without time zone",
                "updated_dt", "timestamp without time zone"));
        assertThat(single("SELECT version_num FROM alembic_version")).isEqualTo("7a44763368c2");
        assertThat(single("SELECT count(*) FROM pg_constraint WHERE conrelid = '" + StatusStore.TABLE
                + "'::regclass AND contype = 'c'")).as("status is free text, as in the original").isEqualTo(0L);
    }

    /** Every row's original columns, oldest first, as a plain SQL reader of the original's table sees them. */
    private List<Map<String, Object>> originalRows() throws SQLException {
        try (Connection c = database.getConnection(); var statement = c.createStatement();
             var rs = statement.executeQuery("SELECT " + ORIGINAL_COLUMNS + " FROM filestatusrecord ORDER BY created_dt")) {
            var rows = new ArrayList<Map<String, Object>>();
            while (rs.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    // an int column read before the widening and a bigint after hold the same number
                    row.put(rs.getMetaData().getColumnName(i), value instanceof Integer n ? n.longValue() : value);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private Map<String, String> columnTypes() throws SQLException {
        try (Connection c = database.getConnection(); var ps = c.prepareStatement(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?")) {
            ps.setString(1, StatusStore.TABLE);
            try (var rs = ps.executeQuery()) {
                var types = new LinkedHashMap<String, String>();
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
                return types;
            }
        }
    }

    private Object single(String sql) throws SQLException {
        try (Connection c = database.getConnection(); var statement = c.createStatement();
             var rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getObject(1);
        }
    }
}
