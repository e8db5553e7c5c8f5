package io.castiron.etl.events;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events with a Kafka producer without ever holding up the caller: every call only enqueues the
 * message for one sender thread, which keeps the order. While the broker is away that thread waits at most
 * {@code max.block.ms} per event, so events queue up (bounded; beyond it they are dropped) and flow again, in
 * order, once the broker is back. The producer's buffer and delivery time are bounded too; undeliverable events
 * are dropped with one WARN per outage and an INFO when publishing works again.
 */
final class KafkaEventPublisher implements EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);
    static final int QUEUE_CAPACITY = 10_000;
    static final Duration MAX_BLOCK = Duration.ofSeconds(1);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String topic;
    private final String bootstrapServers;
    private final KafkaProducer<String, String> producer;
    private final ThreadPoolExecutor sender;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean topicReady;

    KafkaEventPublisher(String bootstrapServers, String topic) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(producerProperties(bootstrapServers), new StringSerializer(),
                new StringSerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                runnable -> {
                    var thread = new Thread(runnable, "kafka-events-" + topic);
                    thread.setDaemon(true);
                    return thread;
                },
                (runnable, executor) -> {
                    if (runnable instanceof Send send) {
                        send.done.complete(null);
                    }
                    dropped("the send queue is full (" + QUEUE_CAPACITY + " events) or closed");
                });
        LOG.info("publishing events to Kafka topic {} at {}", topic, bootstrapServers);
    }

    private static Properties producerProperties(String bootstrapServers) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "castiron-etl-events");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // one request in flight keeps a job's events in order across retries without idempotence's epochs
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(MAX_BLOCK.toMillis()));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(4L * 1024 * 1024));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // No JMX MBeans and no metrics pushed to the broker (KIP-714): each runner makes a producer for a few
        // events, and registering and naming its metrics for both reporters was a third of the producer's CPU.
        props.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        props.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        return props;
    }

    @Override
    public CompletionStage<Void> jobCreated(String jobId, String filename, String handler, String uploader) {
        return publish(jobId, EventMessages.jobCreated(jobId, filename, handler, uploader));
    }

    @Override
    public void status(String jobId, JobStatus status) {
        publish(jobId, EventMessages.jobUpdate(jobId, "status", status.value()));
    }

    @Override
    public void progress(String jobId, double progress) {
        publish(jobId, EventMessages.jobUpdate(jobId, "progress", progress));
    }

    @Override
    public void task(String jobId, String task) {
        publish(jobId, EventMessages.jobUpdate(jobId, "task", task));
    }

    @Override
    public void committed(String jobId, long committed) {
        publish(jobId, EventMessages.jobUpdate(jobId, "committed", committed));
    }

    /** Completes once the broker has the event or it was dropped; at once while the broker is known to be away. */
    private CompletableFuture<Void> publish(String jobId, String json) {
        var done = new CompletableFuture<Void>();
        if (sender.isShutdown()) {
            LOG.debug("event for job {} after close dropped: {}", jobId, json);
            done.complete(null);
            return done;
        }
        if (failing.get()) {
            done.complete(null);
        }
        sender.execute(new Send(jobId, json, done));
        return done;
    }

    /** One queued event; the queue's rejection handler completes {@code done} of an event it drops. */
    private final class Send implements Runnable {
        final String jobId;
        final String json;
        final CompletableFuture<Void> done;

        Send(String jobId, String json, CompletableFuture<Void> done) {
            this.jobId = jobId;
            this.json = json;
            this.done = done;
        }

        @Override
        public void run() {
            send(jobId, json, done);
        }
    }

    /**
     * Runs on the sender thread. Until the producer has metadata for the topic (the broker is away, or the topic is
     * still being created on first use) the event waits, and the events queued behind it wait too, instead of being
     * lost; they are dropped only when the queue overflows or the publisher closes.
     */
    private void send(String jobId, String json, CompletableFuture<Void> done) {
        while (!topicReady) {
            try {
                producer.partitionsFor(topic);
                topicReady = true;
            } catch (TimeoutException unavailable) {
                if (sender.isShutdown()) {
                    dropped(unavailable.toString());
                    done.complete(null);
                    return;
                }
                unavailable(unavailable.toString());
                done.complete(null); // the event still waits for the broker; its caller need not
            } catch (RuntimeException e) {
                dropped(e.toString());
                done.complete(null);
                return;
            }
        }
        try {
            producer.send(new ProducerRecord<>(topic, jobId, json), (metadata, exception) -> {
                if (exception == null) {
                    delivered();
                } else {
                    topicReady = false;
                    dropped(exception.toString());
                }
                done.complete(null);
            });
        } catch (RuntimeException e) {
            topicReady = false;
            dropped(e.toString());
            done.complete(null);
        }
    }

    private void unavailable(String reason) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("cannot publish to Kafka topic {} at {}: {}; events wait (up to {}) until it works again", topic,
                    bootstrapServers, reason, QUEUE_CAPACITY);
        }
    }

    private void delivered() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("publishing to Kafka topic {} at {} again; {} events were dropped meanwhile", topic,
                    bootstrapServers, dropped.getAndSet(0));
        }
    }

    private void dropped(String reason) {
        dropped.incrementAndGet();
        if (failing.compareAndSet(false, true)) {
            LOG.warn("cannot publish to Kafka topic {} at {}: {}; dropping events until it works again", topic,
                    bootstrapServers, reason);
        } else {
            LOG.debug("event for Kafka topic {} dropped: {}", topic, reason);
        }
    }

    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        sender.shutdown();
        try {
            if (!sender.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka topic {}: {} queued events not sent before close", topic, sender.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public String toString() {
        return "events to Kafka topic " + topic + " at " + bootstrapServers;
    }
}
