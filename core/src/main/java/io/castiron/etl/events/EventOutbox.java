package io.castiron.etl.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.castiron.etl.config.Settings;

/**
 * Where the operator and the runner put the messages for the events topic: table {@value #TABLE}, in the caller's
 * transaction, so a message exists exactly when the change it reports was committed (the status store writes a
 * file's status message with its row). {@link OutboxRelay} publishes them in the order they were written and
 * deletes each once the broker has it; until then they wait in PostgreSQL, however long the broker is away.
 *
 * <p>Without Kafka bootstrap servers nothing is written: there is no topic, and no relay would empty the table.
 */
public final class EventOutbox {
    public static final String TABLE = "event_outbox";
    /** What a commit that wrote messages notifies; the relay listens on it. */
    static final String CHANNEL = TABLE;
    private static final EventOutbox DISABLED = new EventOutbox(null, false);

    private final String topic;
    private final boolean processingStatus;

    private EventOutbox(String topic, boolean processingStatus) {
        this.topic = topic;
        this.processingStatus = processingStatus;
    }

    /** The outbox for the settings' topic, or {@link #disabled()} when they name no bootstrap servers. */
    public static EventOutbox from(Settings settings) {
        return settings.kafkaEnabled() ? new EventOutbox(settings.kafkaTopic(), settings.kafkaProcessingStatus())
                : DISABLED;
    }

    /** An outbox that writes nothing. */
    public static EventOutbox disabled() {
        return DISABLED;
    }

    public boolean enabled() {
        return topic != null;
    }

    /** Whether each runner attempt's start is a {@code processing} status message (off unless asked for). */
    public boolean announcesProcessing() {
        return enabled() && processingStatus;
    }

    /**
     * Adds {@code events}, in this order, in {@code connection}'s transaction; the relay is woken when it commits.
     * Nothing when the outbox is disabled.
     */
    public void append(Connection connection, List<Event> events) throws SQLException {
        if (!enabled() || events.isEmpty()) {
            return;
        }
        // One statement for the whole list (a statement per message took a runner 12 s to write 200,000 progress
        // lines, this 2.6 s). seq, the column's default, is drawn as the sorted rows are inserted: it follows the list.
        String[] jobIds = events.stream().map(Event::jobId).toArray(String[]::new);
        String[] messages = events.stream().map(Event::json).toArray(String[]::new);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                + " (topic, job_id, message) SELECT ?, m.job_id, m.message"
                + " FROM unnest(?::varchar[], ?::varchar[]) WITH ORDINALITY AS m(job_id, message, n) ORDER BY m.n")) {
            insert.setString(1, topic);
            insert.setArray(2, connection.createArrayOf("varchar", jobIds));
            insert.setArray(3, connection.createArrayOf("varchar", messages));
            insert.executeUpdate();
        }
        try (Statement notify = connection.createStatement()) {
            notify.execute("NOTIFY " + CHANNEL);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "event outbox for Kafka topic " + topic
                : "event outbox disabled (no Kafka bootstrap servers)";
    }
}
