package io.castiron.etl.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.TestServers;

@ExtendWith(TestServers.class)
class ReusingDataSourceTest {
    static PostgresTestServer postgres;

    private static int backend(Connection c) throws SQLException {
        try (var rs = c.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int backendOnce(ReusingDataSource source) throws SQLException {
        try (Connection c = source.getConnection()) {
            return backend(c);
        }
    }

    @Test
    void aClosedConnectionIsHandedOutAgain() throws SQLException {
        var source = new ReusingDataSource(postgres.newEmptyDatabase().dataSource(), Duration.ofMinutes(1));
        int first = backendOnce(source);

        assertThat(backendOnce(source)).as("same PostgreSQL backend, no second login").isEqualTo(first);
    }

    @Test
    void twoOpenConnectionsAreTwoConnections() throws SQLException {
        var source = new ReusingDataSource(postgres.newEmptyDatabase().dataSource(), Duration.ofMinutes(1));
        try (Connection a = source.getConnection(); Connection b = source.getConnection()) {
            assertThat(backend(a)).isNotEqualTo(backend(b));
        }
    }

    @Test
    void aClosedHandleCannotBeUsedAgain() throws SQLException {
        var source = new ReusingDataSource(postgres.newEmptyDatabase().dataSource(), Duration.ofMinutes(1));
        Connection c = source.getConnection();
        c.close();

        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    @Test
    void aConnectionLeftInATransactionOrIdleTooLongIsNotReused() throws SQLException {
        var database = postgres.newEmptyDatabase();
        var source = new ReusingDataSource(database.dataSource(), Duration.ofMinutes(1));
        int first;
        try (Connection c = source.getConnection()) {
            first = backend(c);
            c.setAutoCommit(false);
        }
        assertThat(backendOnce(source)).isNotEqualTo(first);

        // No idle time allowed: any connection given back is too old by the time it is asked for again.
        var impatient = new ReusingDataSource(database.dataSource(), Duration.ZERO);
        int before = backendOnce(impatient);
        assertThat(backendOnce(impatient)).isNotEqualTo(before);
    }

    @Test
    void aConnectionTheServerDroppedFailsOnceThenANewOneIsMade() throws SQLException {
        var database = postgres.newEmptyDatabase();
        var source = new ReusingDataSource(database.dataSource(), Duration.ofMinutes(1));
        int victim = backendOnce(source);
        try (Connection admin = database.dataSource().getConnection()) {
            admin.createStatement().execute("select pg_terminate_backend(" + victim + ")");
        }

        assertThatThrownBy(() -> backendOnce(source)).isInstanceOf(SQLException.class);
        assertThat(backendOnce(source)).isNotEqualTo(victim);
    }
}
