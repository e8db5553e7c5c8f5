package io.castiron.etl.status;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Hands out again the connections its callers close, so one process's few sequential statements cost one
 * PostgreSQL login (a backend start and a password exchange) instead of one each. For a short-lived process such
 * as the runner, not a server: it has no upper bound and no background threads. A connection idle for longer than
 * {@code maxIdle}, closed by the driver (a broken socket) or left outside auto-commit is not reused.
 */
final class ReusingDataSource implements DataSource {
    private final DataSource target;
    private final long maxIdleNanos;
    private final Deque<Idle> idle = new ArrayDeque<>();

    private record Idle(Connection connection, long since) {
    }

    ReusingDataSource(DataSource target, Duration maxIdle) {
        this.target = target;
        this.maxIdleNanos = maxIdle.toNanos();
    }

    @Override
    public Connection getConnection() throws SQLException {
        while (true) {
            Idle reused;
            synchronized (idle) {
                reused = idle.pollFirst();
            }
            if (reused == null) {
                return lend(target.getConnection());
            }
            if (System.nanoTime() - reused.since() <= maxIdleNanos && !reused.connection().isClosed()) {
                return lend(reused.connection());
            }
            closeQuietly(reused.connection());
        }
    }

    private Connection lend(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Lent(connection));
    }

    /** One loan of a connection: close() gives it back; after that the caller's handle is closed. */
    private final class Lent implements InvocationHandler {
        private final Connection connection;
        private boolean returned;

        Lent(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!returned) {
                        returned = true;
                        giveBack(connection);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return returned || connection.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "reused " + connection;
                }
                default -> {
                    if (returned) {
                        throw new SQLException("connection handle already closed", "08003");
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        }
    }

    private void giveBack(Connection connection) {
        try {
            if (connection.isClosed() || !connection.getAutoCommit()) {
                closeQuietly(connection);
                return;
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            return;
        }
        synchronized (idle) {
            idle.addFirst(new Idle(connection, System.nanoTime()));
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already unusable
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the user is set on the data source");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target.isWrapperFor(type);
    }
}
