package io.castiron.etl.events;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
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
 * Publishes events with a Kafka producer: every call only enqueues the message for one sender thread, which keeps
 * the order. The queue is bounded ({@link #QUEUE_CAPACITY}); what a call does when it is full depends on
 * {@link WhenFull}: the operator's reconcilers never wait ({@link WhenFull#DROP}), a runner waits for room
 * ({@link WhenFull#WAIT}), so a processor that reports faster than the broker takes its events is slowed down
 * instead of losing them. A wait ends, and the event is dropped, only when the broker has taken nothing for
 * {@link #MAX_STALL}; until it delivers again, later calls do not wait.
 *
 * <p>While the producer has no metadata for the topic (the broker is away, or the topic is still being created on
 * first use) the sender thread waits and the events queue up behind it, in order; closing waits for them up to
 * {@link #CLOSE_TIMEOUT}. Events handed to the producer are bounded too ({@link #IN_FLIGHT_BYTES}), so the
 * producer's buffer never runs out and refuses one. Undeliverable events are dropped with one WARN per outage and
 * an INFO when publishing works again.
 */
final class KafkaEventPublisher implements EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);
    static final int QUEUE_CAPACITY = 10_000;
    static final Duration MAX_BLOCK = Duration.ofSeconds(1);
    static final Duration MAX_STALL = Duration.ofSeconds(30);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long BUFFER_MEMORY = 4L * 1024 * 1024;
    /** Bytes of events the producer holds unacknowledged: half its buffer, the rest for batch overheads. */
    static final int IN_FLIGHT_BYTES = (int) (BUFFER_MEMORY / 2);
    private static final int RECORD_OVERHEAD = 64;

    private final String topic;
    private final String bootstrapServers;
    private final WhenFull whenFull;
    private final KafkaProducer<String, String> producer;
    private final ThreadPoolExecutor sender;
    private final Semaphore room = new Semaphore(QUEUE_CAPACITY);
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT_BYTES);
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean topicReady;
    private volatile boolean stalled;
    private volatile long closeDeadline;
    private volatile boolean closing;

    KafkaEventPublisher(String bootstrapServers, String topic, WhenFull whenFull) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.whenFull = whenFull;
        this.producer = new KafkaProducer<>(producerProperties(bootstrapServers), new StringSerializer(),
                new StringSerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    var thread = new Thread(runnable, "kafka-events-" + topic);
                    thread.setDaemon(true);
                    return thread;
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
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(BUFFER_MEMORY));
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
    public CompletionStage<Void> jobCreated(String jobId, String filename, String handler) {
        return publish(jobId, EventMessages.jobCreated(jobId, filename, handler));
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
        if (!takeRoom()) {
            dropped("the send queue is full (" + QUEUE_CAPACITY + " events)");
            done.complete(null);
            return done;
        }
        if (failing.get()) {
            done.complete(null);
        }
        try {
            sender.execute(new Send(jobId, json, done));
        } catch (RejectedExecutionException closed) {
            room.release();
            LOG.debug("event for job {} after close dropped: {}", jobId, json);
            done.complete(null);
        }
        return done;
    }

    /** A place in the queue: at once, or (waiting for room) while the broker keeps taking events. */
    private boolean takeRoom() {
        if (room.tryAcquire()) {
            return true;
        }
        if (whenFull == WhenFull.DROP || stalled) {
            return false;
        }
        try {
            if (room.tryAcquire(MAX_STALL.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        stalled = true;
        LOG.warn("Kafka topic {} at {} took no event for {}; no longer waiting for it, events are dropped while the"
                + " queue is full", topic, bootstrapServers, MAX_STALL);
        return false;
    }

    /** One queued event; it frees its place in the queue once the producer has it (or it was dropped). */
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
            try {
                send(jobId, json, done);
            } finally {
                room.release();
            }
        }
    }

    /**
     * Runs on the sender thread. Until the producer has metadata for the topic (the broker is away, or the topic is
     * still being created on first use) the event waits, and the events queued behind it wait too, instead of being
     * lost; after {@link #close} they wait until its deadline.
     */
    private void send(String jobId, String json, CompletableFuture<Void> done) {
        while (!topicReady) {
            try {
                producer.partitionsFor(topic);
                topicReady = true;
            } catch (TimeoutException unavailable) {
                if (closing && System.nanoTime() - closeDeadline >= 0) {
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
        int bytes = Math.min(json.length() * 3 + RECORD_OVERHEAD, IN_FLIGHT_BYTES);
        try {
            inFlight.acquire(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropped("interrupted");
            done.complete(null);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic, jobId, json), (metadata, exception) -> {
                inFlight.release(bytes);
                if (exception == null) {
                    delivered();
                } else {
                    topicReady = false;
                    dropped(exception.toString());
                }
                done.complete(null);
            });
        } catch (RuntimeException e) {
            inFlight.release(bytes);
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
        stalled = false;
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
        closeDeadline = deadline;
        closing = true;
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
