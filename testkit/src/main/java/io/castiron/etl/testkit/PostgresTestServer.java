package io.castiron.etl.testkit;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL (zonky's embedded binaries) on a free loopback port. One per JVM: {@link #shared()}.
 *
 * <p>The Flyway migrations on the classpath ({@code classpath:db/migration}, which core provides) are applied
 * once to a template database; {@link #dataSource()} is a shared database made from it, and
 * {@link #newDatabase()} makes a fresh, already migrated database for a test that needs isolation.
 */
public final class PostgresTestServer {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestServer.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "";
    private static final String TEMPLATE = "etl_template";
    private static final String SHARED_DATABASE = "etl";
    private static PostgresTestServer shared;

    /** One database on the server. */
    public record Database(String name, String jdbcUrl, String user, String password, DataSource dataSource) {
    }

    private final EmbeddedPostgres postgres;
    private final AtomicInteger databases = new AtomicInteger();
    private final Database sharedDatabase;

    private PostgresTestServer() throws IOException {
        long started = System.nanoTime();
        postgres = EmbeddedPostgres.builder()
                .setCleanDataDirectory(true)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
        long ready = System.nanoTime();
        execute("CREATE DATABASE " + TEMPLATE);
        Flyway.configure()
                .dataSource(database(TEMPLATE).dataSource())
                .locations("classpath:db/migration")
                .failOnMissingLocations(false)
                .load()
                .migrate();
        sharedDatabase = createFromTemplate(SHARED_DATABASE);
        LOG.info("PostgreSQL test server on port {} started in {} ms, migrated in {} ms", postgres.getPort(),
                (ready - started) / 1_000_000, (System.nanoTime() - ready) / 1_000_000);
        TestFiles.onExit(this::stop);
    }

    /** The JVM's PostgreSQL server, started (and migrated) on first use. */
    public static synchronized PostgresTestServer shared() {
        if (shared == null) {
            try {
                shared = new PostgresTestServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the PostgreSQL test server: " + e.getMessage(), e);
            }
        }
        return shared;
    }

    /** JDBC URL of the shared, migrated database. */
    public String jdbcUrl() {
        return sharedDatabase.jdbcUrl();
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** The shared, migrated database (no pool: every getConnection() opens a connection). */
    public DataSource dataSource() {
        return sharedDatabase.dataSource();
    }

    public int port() {
        return postgres.getPort();
    }

    /** A new database with the migrations applied, for a test that must not see other tests' rows. */
    public Database newDatabase() {
        return createFromTemplate("etl_test_" + databases.incrementAndGet());
    }

    /** A new database without any schema, e.g. to test the migrations themselves. */
    public Database newEmptyDatabase() {
        String name = "etl_empty_" + databases.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return database(name);
    }

    /** Empties every table of the shared database except Flyway's history. */
    public void truncateAll() {
        try (Connection c = sharedDatabase.dataSource().getConnection();
             var rs = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
            var tables = new ArrayList<String>();
            while (rs.next()) {
                String table = rs.getString("TABLE_NAME");
                if (!table.equals("flyway_schema_history")) {
                    tables.add("\"" + table + "\"");
                }
            }
            if (!tables.isEmpty()) {
                try (var statement = c.createStatement()) {
                    statement.execute("TRUNCATE " + String.join(", ", tables));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot truncate the tables of database " + SHARED_DATABASE + ": "
                    + e.getMessage(), e);
        }
    }

    /** The core Settings variables that point at the shared database. */
    public Map<String, String> settingsEnv() {
        return settingsEnv(sharedDatabase);
    }

    /** The core Settings variables that point at {@code database}. */
    public Map<String, String> settingsEnv(Database database) {
        return Map.of(
                SettingsEnvNames.POSTGRES_URL, database.jdbcUrl(),
                SettingsEnvNames.POSTGRES_USER, database.user(),
                SettingsEnvNames.POSTGRES_PASSWORD, database.password());
    }

    private Database createFromTemplate(String name) {
        execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
        return database(name);
    }

    private Database database(String name) {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + name;
        var dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        return new Database(name, url, USER, PASSWORD, dataSource);
    }

    private void execute(String sql) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); var statement = c.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL test server: '" + sql + "' failed: " + e.getMessage(), e);
        }
    }

    private void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("stopping the PostgreSQL test server failed: {}", e.toString());
        }
    }
}
