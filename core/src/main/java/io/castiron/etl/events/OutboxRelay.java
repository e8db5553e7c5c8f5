package io.castiron.etl.events;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link EventOutbox}'s messages to Kafka, oldest first, and deletes each once the broker has
 * acknowledged it. While the broker is away the messages wait in PostgreSQL, however many and however long, and are
 * published when it is back; the operator and runners that wrote them never wait for Kafka.
 *
 * <p>Order: rows are read by {@code seq} and handed to one idempotent producer with a single request in flight that
 * never gives a message up (no delivery timeout), so a message the broker does not have yet holds back every later
 * one, and a request repeated after a lost answer is not written twice. A
 * file's messages are committed one after another, so none becomes visible before an earlier one of the same file,
 * and rows are deleted by their own {@code seq}, never by range: a row committed late (a lower {@code seq} than
 * some already sent, from another file) is sent in the next round, not skipped.
 *
 * <p>At least once: when the relay stops between the broker's acknowledgement and the delete, the next relay sends
 * those messages again. One relay at a time publishes from a database (a PostgreSQL advisory lock): a second
 * operator replica's relay stands by until the first one's connection is gone.
 *
 * <p>The one message never delivered is one the broker refuses for its size (over its {@code max.message.bytes}, 1
 * MB by default: a {@code TASK} line that long): it is logged as an error with its file id and skipped, so it
 * cannot hold back every later message for good.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** The advisory lock the active relay of a database holds ("castiron" in ASCII). */
    private static final long LOCK_KEY = 0x6361_7374_6972_6f6eL;
    static final int BATCH = 1_000;
    private static final Duration METADATA_WAIT = Duration.ofSeconds(1);
    /** An acknowledgement that takes longer than a request may means the broker is away: worth a warning. */
    private static final Duration ACKNOWLEDGEMENT_WARNING = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** How long an idle relay waits for a commit's notification before it looks at the table anyway. */
    private static final Duration IDLE_CHECK = Duration.ofSeconds(10);
    private static final int NOTIFICATION_WAIT_MILLIS = 500;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** A statement unanswered this long means a dead connection (its statements take milliseconds): reconnect. */
    private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(30);

    private record Row(long seq, String topic, String jobId, String message) {
    }

    private final DataSource connections;
    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private volatile boolean closed;
    // read and written by the relay's thread only
    private boolean brokerFailing;
    private boolean databaseFailing;
    private boolean standingBy;

    private OutboxRelay(DataSource connections, String bootstrapServers) {
        this.connections = connections;
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(producerProperties(bootstrapServers), new StringSerializer(),
                new StringSerializer());
        this.thread = new Thread(this::run, "event-outbox-relay");
        thread.setDaemon(true);
    }

    /**
     * Starts relaying {@link EventOutbox#TABLE} of {@code connections}' database to the brokers at
     * {@code bootstrapServers}, on a thread of its own.
     *
     * @param connections opens plain connections, not a pool's: the relay keeps one open for its lock and for
     *                    listening to commits
     */
    public static OutboxRelay start(DataSource connections, String bootstrapServers) {
        var relay = new OutboxRelay(connections, bootstrapServers);
        relay.thread.start();
        LOG.info("relaying the messages in table {} to Kafka at {}", EventOutbox.TABLE, bootstrapServers);
        return relay;
    }

    private static Properties producerProperties(String bootstrapServers) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "castiron-etl-outbox-relay");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // a request the broker wrote but whose answer was lost (it stopped meanwhile) is sent again: idempotence
        // lets the broker drop that copy instead of writing the batch twice
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // a message is retried until the broker has it: one given up would let later ones overtake it
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(METADATA_WAIT.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        props.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        return props;
    }

    private void run() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            try (Connection c = connections.getConnection()) {
                c.setNetworkTimeout(Runnable::run, (int) NETWORK_TIMEOUT.toMillis());
                if (!lock(c)) {
                    if (!standingBy) {
                        standingBy = true;
                        LOG.info("another relay publishes table {}; this one stands by", EventOutbox.TABLE);
                    }
                    pause(MAX_RETRY);
                    continue;
                }
                if (standingBy) {
                    standingBy = false;
                    LOG.info("this relay publishes table {} now", EventOutbox.TABLE);
                }
                try (Statement listen = c.createStatement()) {
                    listen.execute("LISTEN " + EventOutbox.CHANNEL);
                }
                if (databaseFailing) {
                    databaseFailing = false;
                    LOG.info("reading table {} again", EventOutbox.TABLE);
                }
                retry = FIRST_RETRY;
                relay(c);
            } catch (SQLException e) {
                if (!databaseFailing) {
                    databaseFailing = true;
                    LOG.warn("cannot read table {}: {}; its messages wait there, retrying", EventOutbox.TABLE,
                            e.getMessage());
                }
                pause(retry);
                retry = longer(retry);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                // whatever went wrong, a relay that stopped would leave every later message in the table
                LOG.warn("relaying table {} failed: {}; retrying", EventOutbox.TABLE, e.toString(), e);
                pause(retry);
                retry = longer(retry);
            }
        }
    }

    private static boolean lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, LOCK_KEY);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Publishes batch after batch while this relay runs; a failing broker is retried with growing pauses. */
    private void relay(Connection c) throws SQLException {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            List<Row> rows = oldest(c);
            if (rows.isEmpty()) {
                awaitCommit(c);
                continue;
            }
            int done = publish(rows);
            delete(c, rows.subList(0, done));
            if (done < rows.size() && !closed) {
                pause(retry);
                retry = longer(retry);
            } else {
                retry = FIRST_RETRY;
            }
        }
    }

    private static List<Row> oldest(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, topic, job_id, message FROM " + EventOutbox.TABLE
                + " ORDER BY seq LIMIT " + BATCH); ResultSet rs = ps.executeQuery()) {
            var rows = new ArrayList<Row>();
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
            return rows;
        }
    }

    /**
     * Sends {@code rows} in order and waits for the broker's acknowledgements; returns how many leading rows are
     * done (acknowledged, or refused for good as too large). The first that cannot be sent ends the batch.
     */
    private int publish(List<Row> rows) {
        var sent = new ArrayList<Future<RecordMetadata>>(rows.size());
        Throwable failure = null;
        for (Row row : rows) {
            Future<RecordMetadata> acknowledged;
            try {
                acknowledged = producer.send(new ProducerRecord<>(row.topic(), row.jobId(), row.message()));
            } catch (KafkaException e) {
                failure = e; // the producer is closing
                break;
            }
            sent.add(acknowledged);
            if (acknowledged.isDone()) {
                // refused at once (no metadata for the topic within METADATA_WAIT: the broker is away; or too
                // large): nothing after it is sent, or it could overtake this one
                break;
            }
        }
        int done = 0;
        for (Future<RecordMetadata> acknowledged : sent) {
            try {
                awaitAcknowledgement(acknowledged);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RecordTooLargeException)) {
                    failure = e.getCause();
                    break;
                }
                Row row = rows.get(done);
                LOG.error("message {} of file {} ({} characters) is larger than Kafka at {} accepts: {}; skipped, it"
                        + " can never be delivered", row.seq(), row.jobId(), row.message().length(), bootstrapServers,
                        e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing
                return done;
            }
            done++;
        }
        if (closed) {
            return done; // what failed was the close's interrupt, not the broker
        }
        if (failure != null) {
            brokerAway(failure.toString());
        } else if (brokerFailing) {
            brokerFailing = false;
            LOG.info("publishing to Kafka at {} again", bootstrapServers);
        }
        return done;
    }

    /** Waits for the broker to acknowledge a message, however long it takes (the producer never gives it up). */
    private void awaitAcknowledgement(Future<RecordMetadata> acknowledged)
            throws ExecutionException, InterruptedException {
        while (true) {
            try {
                acknowledged.get(ACKNOWLEDGEMENT_WARNING.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException slow) {
                brokerAway("no acknowledgement for " + ACKNOWLEDGEMENT_WARNING.toSeconds() + " s");
            }
        }
    }

    private void brokerAway(String reason) {
        if (!brokerFailing) {
            brokerFailing = true;
            LOG.warn("cannot publish to Kafka at {}: {}; messages wait in table {} and go out in order once it takes"
                    + " them again", bootstrapServers, reason, EventOutbox.TABLE);
        }
    }

    private static void delete(Connection c, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        Long[] seqs = rows.stream().map(Row::seq).toArray(Long[]::new);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + EventOutbox.TABLE + " WHERE seq = ANY(?)")) {
            Array array = c.createArrayOf("bigint", seqs);
            ps.setArray(1, array);
            ps.executeUpdate();
            array.free();
        }
    }

    /** Returns at a commit that wrote messages, at {@link #IDLE_CHECK} or when closed. */
    private void awaitCommit(Connection c) throws SQLException {
        PGConnection listening = c.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + IDLE_CHECK.toNanos();
        while (!closed && System.nanoTime() - deadline < 0) {
            var notifications = listening.getNotifications(NOTIFICATION_WAIT_MILLIS);
            if (notifications != null && notifications.length > 0) {
                return;
            }
        }
    }

    private static Duration longer(Duration retry) {
        Duration doubled = retry.multipliedBy(2);
        return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the loop ends
        }
    }

    /**
     * Stops relaying (messages not yet acknowledged stay in the table for the next relay) and closes the producer.
     */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(1));
    }

    @Override
    public String toString() {
        return "relay of table " + EventOutbox.TABLE + " to Kafka at " + bootstrapServers;
    }
}
