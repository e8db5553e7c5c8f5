package io.castiron.etl.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.castiron.etl.config.Settings;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.TestServers;

@ExtendWith(TestServers.class)
class EventPublisherTest {
    static KafkaTestServer kafka;

    private static Settings settings(String topic) {
        var env = new HashMap<>(kafka.settingsEnv());
        if (topic != null) {
            env.put(Settings.KAFKA_TOPIC, topic);
        }
        return Settings.from(env);
    }

    private static String uniqueTopic() {
        return "events-" + UUID.randomUUID();
    }

    /** The values of {@code jobId}'s records on {@code topic}, once there are {@code count} of them. */
    private static List<String> awaitValues(String topic, String jobId, int count) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> kafka.readAll(topic).stream().filter(r -> jobId.equals(r.key())).map(ConsumerRecord::value)
                        .toList(),
                values -> values.size() >= count);
    }

    @Test
    void messagesHaveTheOriginalShapesKeyedByJobIdInOrderOnPizzaTracker() {
        String jobId = UUID.randomUUID().toString();
        assertThat(settings(null).kafkaTopic()).isEqualTo("pizza-tracker");
        try (var publisher = EventPublisher.create(settings(null))) {
            publisher.jobCreated(jobId, jobId + "-people.csv", "example_config.toml");
            publisher.status(jobId, JobStatus.PROCESSING);
            publisher.task(jobId, "loading rows");
            publisher.progress(jobId, 0.4);
            publisher.committed(jobId, 120);
            publisher.status(jobId, JobStatus.SUCCESS);
        }

        assertThat(awaitValues("pizza-tracker", jobId, 6)).containsExactly(
                "{\"type\":\"job_created\",\"job_id\":\"" + jobId
                        + "\",\"filename\":\"" + jobId
                        + "-people.csv\",\"handler\":\"example_config.toml\",\"uploader\":\"castiron\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + jobId + "\",\"status\":\"processing\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + jobId + "\",\"task\":\"loading rows\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + jobId + "\",\"progress\":0.4}",
                "{\"type\":\"job_update\",\"job_id\":\"" + jobId + "\",\"committed\":120}",
                "{\"type\":\"job_update\",\"job_id\":\"" + jobId + "\",\"status\":\"success\"}");
    }

    @Test
    void theFirstEventsOnATopicThatDoesNotExistYetAreNotLost() {
        String topic = uniqueTopic();
        String jobId = UUID.randomUUID().toString();
        try (var publisher = EventPublisher.create(settings(topic))) {
            publisher.jobCreated(jobId, "first.csv", "demo");
            publisher.status(jobId, JobStatus.SUCCESS);
        }
        assertThat(awaitValues(topic, jobId, 2)).hasSize(2).first().asString().contains("\"type\":\"job_created\"");
    }

    @Test
    void eventsPublishedJustBeforeCloseReachABrokerThatComesUpOnlyWhileThePublisherCloses() {
        String topic = uniqueTopic();
        String jobId = UUID.randomUUID().toString();
        kafka.stop();
        CompletableFuture<Void> restarted;
        try (var publisher = EventPublisher.create(settings(topic), EventPublisher.WhenFull.WAIT)) {
            publisher.jobCreated(jobId, jobId + "-late.csv", "demo");
            publisher.status(jobId, JobStatus.SUCCESS);
            // the broker answers only after the publisher's first metadata wait (1 s) has timed out
            restarted = CompletableFuture.runAsync(kafka::start);
        }
        restarted.join();
        assertThat(awaitValues(topic, jobId, 2)).hasSize(2).first().asString().contains("\"type\":\"job_created\"");
    }

    @Test
    void aWaitingPublisherDeliversEveryEventOfABurstFarLargerThanItsQueue() {
        String topic = uniqueTopic();
        String jobId = UUID.randomUUID().toString();
        int events = 4 * KafkaEventPublisher.QUEUE_CAPACITY;
        try (var publisher = EventPublisher.create(settings(topic), EventPublisher.WhenFull.WAIT)) {
            for (int i = 0; i < events; i++) {
                publisher.committed(jobId, i);
            }
        }
        List<String> values = awaitValues(topic, jobId, events);
        assertThat(values).hasSize(events);
        assertThat(values.get(events - 1)).endsWith("\"committed\":" + (events - 1) + "}");
    }

    @Test
    void jobCreatedTellsWhenTheBrokerHasIt() throws Exception {
        String topic = uniqueTopic();
        String jobId = UUID.randomUUID().toString();
        try (var publisher = EventPublisher.create(settings(topic))) {
            publisher.jobCreated(jobId, "told.csv", "demo").toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(kafka.readAll(topic)).extracting(ConsumerRecord::key).containsExactly(jobId);
        }
    }

    @Test
    void finalStatusesAreTheOriginalWords() {
        assertThat(List.of(JobStatus.SUCCESS, JobStatus.FAILURE, JobStatus.CANCELED))
                .extracting(JobStatus::value).containsExactly("success", "failure", "canceled");
    }

    @Test
    void withoutBootstrapServersPublishingIsANoOp() {
        var settings = Settings.from(Map.of());
        assertThat(settings.kafkaEnabled()).isFalse();
        try (var publisher = EventPublisher.create(settings)) {
            publisher.jobCreated("j", "f.csv", "demo");
            publisher.status("j", JobStatus.FAILURE);
            assertThat(publisher).isSameAs(EventPublisher.disabled());
        }
    }

    @Test
    void aStoppedBrokerNeverHoldsUpTheCallerAndEventsFlowAgainAfterItsRestart() {
        String topic = uniqueTopic();
        String before = UUID.randomUUID().toString();
        String during = UUID.randomUUID().toString();
        String after = UUID.randomUUID().toString();
        try (var publisher = EventPublisher.create(settings(topic))) {
            publisher.status(before, JobStatus.QUEUED);
            awaitValues(topic, before, 1);

            kafka.stop();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    publisher.status(during, JobStatus.PROCESSING);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("100 status calls, broker down")
                        .isLessThan(Duration.ofSeconds(10));
            } finally {
                kafka.start();
            }

            publisher.status(after, JobStatus.SUCCESS);
            assertThat(awaitValues(topic, after, 1)).containsExactly(
                    "{\"type\":\"job_update\",\"job_id\":\"" + after + "\",\"status\":\"success\"}");
        }
    }

    @Test
    void aPublisherStartedWhileTheBrokerIsDownDoesNotBlockAndClosesInBoundedTime() {
        String topic = uniqueTopic();
        kafka.stop();
        try {
            long started = System.nanoTime();
            var publisher = EventPublisher.create(settings(topic));
            for (int i = 0; i < 100; i++) {
                publisher.progress("job", i / 100.0);
            }
            publisher.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("create, 100 calls and close, broker down")
                    .isLessThan(Duration.ofSeconds(15));
        } finally {
            kafka.start();
        }
    }
}
