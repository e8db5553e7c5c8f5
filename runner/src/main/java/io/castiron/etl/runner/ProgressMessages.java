package io.castiron.etl.runner;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.events.Event;
import io.castiron.etl.events.EventOutbox;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.status.StatusStoreException;

/**
 * A run's {@code task}, {@code progress} and {@code committed} messages (of each file of its batch) on their way to
 * the event outbox (where the operator's relay takes them to Kafka): queued in order and written in batches by one
 * thread, so the processor never waits for a statement per line. A progress value still queued when the next one of
 * the same file arrives is replaced by it; nothing else is left out. The queue is bounded: when PostgreSQL takes messages more slowly than the processor
 * reports, the caller waits for room (the progress reader, and through the pipe the processor's writes). A failed
 * write is retried, its messages kept in order, for as long as the run lasts.
 *
 * <p>{@link #flush} before the file's final status: the status message then comes after every progress message.
 * Messages a run could not write before it ended (PostgreSQL away past {@link #FLUSH_TIMEOUT}, which also fails the
 * attempt) are lost with the pod, and logged as such.
 */
final class ProgressMessages implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressMessages.class);
    static final int CAPACITY = 10_000;
    static final int BATCH = 1_000;
    /** How long {@link #flush} waits for PostgreSQL: about as long as {@link Retry#DEFAULT} tries a step. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(2);

    private final StatusStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<Event> queued = new ArrayDeque<>();
    private int writing;
    private boolean closed;
    private String lastError;
    private Thread writer;

    ProgressMessages(StatusStore store) {
        this.store = store;
    }

    void progress(String fileId, double fraction) {
        add(Event.progress(fileId, fraction));
    }

    void task(String fileId, String text) {
        add(Event.task(fileId, text));
    }

    void committed(String fileId, long count) {
        add(Event.committed(fileId, count));
    }

    private void add(Event event) {
        if (!store.queuesEvents()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                LOG.debug("file {}: message after the run ended not written: {}", event.jobId(), event.json());
                return;
            }
            Event last = queued.peekLast();
            if (event.progress() && last != null && last.progress() && last.jobId().equals(event.jobId())) {
                queued.pollLast(); // superseded before it was written
            } else {
                awaitRoom();
            }
            queued.addLast(event);
            if (writer == null) {
                writer = new Thread(this::write, "progress-messages");
                writer.setDaemon(true);
                writer.start();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Back-pressure: waits while the queue is full. An interrupted caller adds its message anyway. */
    private void awaitRoom() {
        while (queued.size() >= CAPACITY && !closed) {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The writer's thread: batch after batch until closed with nothing left, each retried until it is written. */
    private void write() {
        Duration retry = FIRST_RETRY;
        boolean failing = false;
        List<Event> batch = null;
        while (true) {
            lock.lock();
            try {
                if (batch == null) {
                    while (queued.isEmpty() && !closed) {
                        changed.awaitUninterruptibly();
                    }
                    if (closed) {
                        return; // close() has waited for the queue already
                    }
                    batch = new ArrayList<>(Math.min(queued.size(), BATCH));
                    while (!queued.isEmpty() && batch.size() < BATCH) {
                        batch.add(queued.pollFirst());
                    }
                    writing = batch.size();
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            try {
                store.queueEvents(batch);
                if (failing) {
                    failing = false;
                    LOG.info("writing progress messages to table {} again", EventOutbox.TABLE);
                }
                retry = FIRST_RETRY;
                batch = null;
                finished(null);
            } catch (StatusStoreException e) {
                if (!failing) {
                    failing = true;
                    LOG.warn("file {}: cannot write progress messages to table {} (retrying; the processor waits"
                            + " once {} are queued): {}", batch.get(0).jobId(), EventOutbox.TABLE, CAPACITY,
                            e.getMessage());
                }
                finished(e.getMessage());
                if (!pause(retry)) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
            }
        }
    }

    /** The batch in hand was written ({@code error} null), or failed with {@code error} and is kept. */
    private void finished(String error) {
        lock.lock();
        try {
            lastError = error;
            if (error == null) {
                writing = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** False when closed meanwhile, after a failure: nobody waits for the batch any more. */
    private boolean pause(Duration retry) {
        try {
            Thread.sleep(retry.toMillis());
        } catch (InterruptedException e) {
            return false;
        }
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once every message added so far is in the outbox; an {@link InfrastructureException} when PostgreSQL
     * has not taken them within {@link #FLUSH_TIMEOUT}.
     */
    void flush() {
        lock.lock();
        try {
            long left = FLUSH_TIMEOUT.toNanos();
            while (!queued.isEmpty() || writing > 0) {
                if (left <= 0) {
                    throw new InfrastructureException("cannot write " + (queued.size() + writing) + " progress"
                            + " messages to table " + EventOutbox.TABLE + " within " + FLUSH_TIMEOUT.toSeconds()
                            + " s: " + lastError);
                }
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while writing progress messages");
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is queued (waiting at most {@link #FLUSH_TIMEOUT}) and stops the writer. */
    @Override
    public void close() {
        try {
            flush();
        } catch (InfrastructureException e) {
            LOG.warn("{}; they are lost", e.getMessage());
        }
        Thread stopping;
        lock.lock();
        try {
            closed = true;
            stopping = writer;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            stopping.interrupt(); // ends a pause between retries
            try {
                stopping.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
