package io.castiron.etl.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.config.Settings;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.status.FileStatusRecord;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * The operator's side of the events: what the status store queues with each row change, and the relay that
 * publishes it, against real PostgreSQL and Kafka servers. Each test has a database and a topic of its own.
 */
@ExtendWith(TestServers.class)
class OutboxRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    static KafkaTestServer kafka;
    static PostgresTestServer postgres;

    private PostgresTestServer.Database database;
    private String topic;
    private StatusStore store;
    private final List<OutboxRelay> relays = new ArrayList<>();

    @BeforeEach
    void databaseAndTopic() {
        database = postgres.newDatabase();
        topic = "outbox-" + UUID.randomUUID();
        store = StatusStore.from(settings(true, false));
    }

    @AfterEach
    void stopRelays() {
        relays.forEach(OutboxRelay::close);
    }

    private Settings settings(boolean kafkaOn, boolean processingStatus) {
        var env = new HashMap<>(postgres.settingsEnv(database));
        if (kafkaOn) {
            env.putAll(kafka.settingsEnv());
            env.put(Settings.KAFKA_TOPIC, topic);
            env.put(Settings.KAFKA_PROCESSING_STATUS, Boolean.toString(processingStatus));
        }
        return Settings.from(env);
    }

    private OutboxRelay relay() {
        var relay = OutboxRelay.start(database.dataSource(), kafka.bootstrapServers());
        relays.add(relay);
        return relay;
    }

    /** What staging writes: the Queued row and, with it, job_created. */
    private UUID staged(String name) {
        UUID id = UUID.randomUUID();
        store.insert(row(id, name), Event.jobCreated(id.toString(), id + "-" + name, "demo.toml"));
        return id;
    }

    private static FileStatusRecord row(UUID id, String name) {
        return FileStatusRecord.builder(id, "etl", "demo/02_processing/" + id + "-" + name, name)
                .pipeline("etl-system", "demo").build();
    }

    /** The topic's messages once it holds {@code count} (fewer when they do not come within the wait). */
    private List<String> published(int count) {
        return kafka.awaitRecords(topic, count, WAIT).stream().map(ConsumerRecord::value).toList();
    }

    /** The messages still in the outbox, oldest first. */
    private List<String> waiting() {
        try (Connection c = database.dataSource().getConnection();
             var ps = c.prepareStatement("SELECT message FROM " + EventOutbox.TABLE + " ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            var messages = new ArrayList<String>();
            while (rs.next()) {
                messages.add(rs.getString(1));
            }
            return messages;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Event event) {
        return event.json();
    }

    @Test
    void aFilesMessagesHaveTheOriginalShapesAndArriveInTheOrderTheyWereWritten() {
        store = StatusStore.from(settings(true, true));
        relay();
        UUID id = staged("people.csv");
        String job = id.toString();
        store.markProcessing(id, 1, "people-job");
        store.queueEvents(List.of(Event.task(job, "loading rows"), Event.progress(job, 0.4),
                Event.committed(job, 120)));
        store.finish(id, FileStatus.COMPLETE, null, null);

        assertThat(published(6)).containsExactly(
                "{\"type\":\"job_created\",\"job_id\":\"" + job + "\",\"filename\":\"" + job
                        + "-people.csv\",\"handler\":\"demo.toml\",\"uploader\":\"castiron\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + job + "\",\"status\":\"processing\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + job + "\",\"task\":\"loading rows\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + job + "\",\"progress\":0.4}",
                "{\"type\":\"job_update\",\"job_id\":\"" + job + "\",\"committed\":120}",
                "{\"type\":\"job_update\",\"job_id\":\"" + job + "\",\"status\":\"success\"}");
        assertThat(kafka.readAll(topic)).extracting(ConsumerRecord::key).containsOnly(job);
        await().atMost(WAIT).until(() -> waiting().isEmpty());
    }

    @Test
    void moreThanTenThousandOperatorMessagesWrittenWhileTheBrokerIsDownAllArriveInOrderOnceItIsBack() {
        int files = 5_001; // job_created and a final status each: 10,002 messages
        kafka.createTopic(topic);
        relay();
        var expected = new ArrayList<String>();
        UUID before = staged("before.csv");
        expected.add(json(Event.jobCreated(before.toString(), before + "-before.csv", "demo.toml")));
        assertThat(published(1)).hasSize(1);

        kafka.stop();
        try {
            for (int i = 0; i < files; i++) {
                // as staging, then FailureFinalizer or Canceller, write them
                String name = "f" + i + ".csv";
                UUID id = staged(name);
                FileStatus end = i % 2 == 0 ? FileStatus.FAILED : FileStatus.CANCELED;
                store.finish(id, end, null, "ended during the outage");
                expected.add(json(Event.jobCreated(id.toString(), id + "-" + name, "demo.toml")));
                expected.add(json(Event.status(id.toString(), JobStatus.of(end))));
            }
            assertThat(waiting()).as("messages held while the broker is down").hasSize(2 * files);
        } finally {
            kafka.start();
        }

        List<String> values = published(1 + 2 * files);
        assertThat(values.size()).as("messages delivered of %d", 1 + 2 * files).isEqualTo(1 + 2 * files);
        assertThat(values).containsExactlyElementsOf(expected);
        await().atMost(WAIT).until(() -> waiting().isEmpty());
        assertThat(kafka.readAll(topic)).as("no message twice").hasSize(1 + 2 * files);
    }

    @Test
    void messagesWrittenWhileNoRelayRunsArePublishedWhenOneStarts() {
        UUID id = staged("early.csv");
        store.finish(id, FileStatus.COMPLETE, null, null);
        assertThat(waiting()).hasSize(2);

        relay();

        assertThat(published(2)).containsExactly(
                json(Event.jobCreated(id.toString(), id + "-early.csv", "demo.toml")),
                json(Event.status(id.toString(), JobStatus.SUCCESS)));
        await().atMost(WAIT).until(() -> waiting().isEmpty());
    }

    @Test
    void aRetriedStagingOrFinishQueuesNoSecondMessage() {
        UUID id = UUID.randomUUID();
        Event created = Event.jobCreated(id.toString(), id + "-twice.csv", "demo.toml");
        assertThat(store.insert(row(id, "twice.csv"), created)).isTrue();
        assertThat(store.insert(row(id, "twice.csv"), created)).as("the retried insert").isFalse();
        store.finish(id, FileStatus.FAILED, null, "first try");
        store.finish(id, FileStatus.FAILED, null, "the retried finalization");

        assertThat(waiting()).containsExactly(json(created), json(Event.status(id.toString(), JobStatus.FAILURE)));
    }

    @Test
    void aFileTakenOutOfItsBatchBeforeItStartedGetsOneCanceledWhenTheCancelIsRecorded() {
        UUID id = staged("skipped.csv");
        assertThat(store.cancelUnlessStarted(id)).isTrue();
        store.finish(id, FileStatus.CANCELED, null, "Canceled by request");
        store.finish(id, FileStatus.CANCELED, null, "Canceled by request");

        assertThat(waiting()).containsExactly(json(Event.jobCreated(id.toString(), id + "-skipped.csv", "demo.toml")),
                json(Event.status(id.toString(), JobStatus.CANCELED)));
    }

    @Test
    void withoutBootstrapServersNothingIsQueued() {
        store = StatusStore.from(settings(false, true));
        UUID id = staged("quiet.csv");
        store.markProcessing(id, 1, "quiet-job");
        store.queueEvents(List.of(Event.task(id.toString(), "unseen")));
        store.finish(id, FileStatus.COMPLETE, null, null);

        assertThat(store.queuesEvents()).isFalse();
        assertThat(waiting()).isEmpty();
    }

    @Test
    void oneRelayPublishesAtATimeAndAnotherTakesOverWhenItStops() {
        OutboxRelay first = relay();
        UUID a = staged("a.csv");
        assertThat(published(1)).hasSize(1);
        relay();
        UUID b = staged("b.csv");
        assertThat(published(2)).hasSize(2);

        first.close();
        UUID c = staged("c.csv");

        assertThat(published(3)).containsExactly(
                json(Event.jobCreated(a.toString(), a + "-a.csv", "demo.toml")),
                json(Event.jobCreated(b.toString(), b + "-b.csv", "demo.toml")),
                json(Event.jobCreated(c.toString(), c + "-c.csv", "demo.toml")));
        await().atMost(WAIT).until(() -> waiting().isEmpty());
        assertThat(kafka.readAll(topic)).as("no message twice").hasSize(3);
    }

    @Test
    void aMessageTooLargeForTheBrokerIsSkippedWithoutHoldingBackTheOthers() {
        relay();
        UUID id = staged("big.csv");
        String job = id.toString();
        store.queueEvents(List.of(Event.task(job, "x".repeat(1_100_000)), Event.task(job, "after it")));

        assertThat(published(2)).containsExactly(
                json(Event.jobCreated(job, id + "-big.csv", "demo.toml")),
                json(Event.task(job, "after it")));
        await().atMost(WAIT).until(() -> waiting().isEmpty());
    }
}
