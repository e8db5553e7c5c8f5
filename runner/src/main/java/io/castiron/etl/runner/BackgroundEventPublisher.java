package io.castiron.etl.runner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.events.EventPublisher;
import io.castiron.etl.events.JobStatus;

/**
 * Creates the real publisher on its own thread when the run {@link #start}s (once S3 and PostgreSQL have answered),
 * so that the Kafka client's start-up (a few tenths of a second of CPU on two threads) overlaps the download and the
 * processor instead of competing with the runner's first requests for the pod's cores. Calls are queued in order
 * and handed over once it exists. The queue is bounded: a caller that finds it full waits (the progress reader, and
 * through the pipe the processor's writes, slow down to what the broker takes) instead of an event being dropped.
 * A run with no event (a retried Job whose file is already done) never starts it.
 */
final class BackgroundEventPublisher implements EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundEventPublisher.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    /** Calls waiting for the publisher's thread; the real publisher holds its own bounded queue after them. */
    static final int QUEUE_CAPACITY = 1_000;

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        var t = new Thread(r, "events-start");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore room = new Semaphore(QUEUE_CAPACITY);
    private final Supplier<EventPublisher> factory;
    private boolean started;
    private EventPublisher delegate;

    BackgroundEventPublisher(Supplier<EventPublisher> factory) {
        this.factory = factory;
    }

    /** Starts making the real publisher, unless it is started already. */
    synchronized void start() {
        if (!started && !thread.isShutdown()) {
            started = true;
            thread.execute(() -> {
                try {
                    delegate = factory.get();
                } catch (RuntimeException e) {
                    LOG.warn("cannot create the event publisher; events of this run are dropped: {}", e.toString());
                    delegate = EventPublisher.disabled();
                }
            });
        }
    }

    /**
     * Hands {@code call} to the publisher's thread, waiting while {@link #QUEUE_CAPACITY} calls are ahead of it;
     * false when the publisher is closed (or the caller interrupted) and the call is dropped.
     */
    private boolean later(Consumer<EventPublisher> call) {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        synchronized (this) {
            if (thread.isShutdown()) {
                room.release();
                return false;
            }
            start();
            thread.execute(() -> {
                try {
                    call.accept(delegate);
                } finally {
                    room.release();
                }
            });
            return true;
        }
    }

    @Override
    public CompletionStage<Void> jobCreated(String jobId, String filename, String handler) {
        var handed = new CompletableFuture<Void>();
        boolean queued = later(p -> p.jobCreated(jobId, filename, handler)
                .whenComplete((ok, e) -> handed.complete(null)));
        if (!queued) {
            handed.complete(null);
        }
        return handed;
    }

    @Override
    public void status(String jobId, JobStatus status) {
        later(p -> p.status(jobId, status));
    }

    @Override
    public void progress(String jobId, double progress) {
        later(p -> p.progress(jobId, progress));
    }

    @Override
    public void task(String jobId, String task) {
        later(p -> p.task(jobId, task));
    }

    @Override
    public void committed(String jobId, long committed) {
        later(p -> p.committed(jobId, committed));
    }

    /** Hands over what is queued and closes the real publisher (which flushes within its own bound), if started. */
    @Override
    public void close() {
        synchronized (this) {
            if (started) {
                thread.execute(() -> delegate.close());
            }
            thread.shutdown();
        }
        try {
            if (!thread.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("events not handed to the publisher within {} s are dropped", CLOSE_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
