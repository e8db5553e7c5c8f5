package io.castiron.etl.runner.progress;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.castiron.etl.processor.Progress;

/**
 * Hands the latest {@link ProgressState} to a slow sink (a database row, the Kubernetes API) at most once per
 * interval, on its own thread, so a processor reporting thousands of updates a second costs a few writes. The
 * last state always lands: {@link #close()} writes it if it has not been written.
 */
public final class ThrottledProgress implements Progress, AutoCloseable {
    private final long intervalNanos;
    private final Consumer<ProgressState> sink;
    private final ScheduledExecutorService timer;
    private ProgressState latest = ProgressState.NONE;
    private boolean dirty;
    private long lastWrite;
    private ScheduledFuture<?> pending;
    private boolean closed;

    public ThrottledProgress(Duration interval, Consumer<ProgressState> sink) {
        this.intervalNanos = interval.toNanos();
        this.sink = sink;
        this.lastWrite = System.nanoTime() - intervalNanos;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            var thread = new Thread(r, "progress-status");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void progress(double fraction) {
        update(state -> state.withProgress(fraction));
    }

    @Override
    public void task(String text) {
        update(state -> state.withTask(text));
    }

    @Override
    public void committed(long count) {
        update(state -> state.withCommitted(count));
    }

    private synchronized void update(UnaryOperator<ProgressState> change) {
        if (closed) {
            return;
        }
        latest = change.apply(latest);
        dirty = true;
        if (pending == null) {
            long wait = Math.max(0, lastWrite + intervalNanos - System.nanoTime());
            pending = timer.schedule(this::writeLatest, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void writeLatest() {
        ProgressState state;
        synchronized (this) {
            pending = null;
            if (!dirty) {
                return;
            }
            dirty = false;
            lastWrite = System.nanoTime();
            state = latest;
        }
        sink.accept(state);
    }

    /** Writes the last state if it was not written yet, then stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }
        timer.shutdown();
        try {
            // a write in progress finishes before the last one, so the last state is the one that stays
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeLatest();
    }
}
