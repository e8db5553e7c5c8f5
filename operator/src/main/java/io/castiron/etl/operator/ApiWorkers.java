package io.castiron.etl.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A few threads for independent API calls a reconcile makes in a batch (claiming the new files of an inbox), so a
 * batch costs a few round trips instead of one per item. Bounded, so a full inbox cannot flood the API server.
 */
@ApplicationScoped
public class ApiWorkers {
    /** Calls in flight at once per batch, across all pipelines. */
    static final int CONCURRENCY = 8;

    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY, r -> {
        Thread t = new Thread(r, "api-worker-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /**
     * Runs every task, waits for all of them, and returns their results in order; when some fail, throws the
     * first failure after the others have finished (none is left running behind the caller's back).
     */
    public <T> List<T> runAll(List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        tasks.forEach(task -> futures.add(pool.submit(task)));
        List<T> results = new ArrayList<>(tasks.size());
        RuntimeException failure = null;
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
                results.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                throw new IllegalStateException("interrupted while waiting for API calls", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
    }
}
