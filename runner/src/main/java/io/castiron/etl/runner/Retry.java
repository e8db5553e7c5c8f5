package io.castiron.etl.runner;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries of an S3 or PostgreSQL step, with doubling delays; after the last attempt the step is an
 * {@link InfrastructureException} naming it.
 *
 * @param attempts   how many times a step is tried in all
 * @param firstDelay the wait before the second attempt; it doubles after each attempt
 */
public record Retry(int attempts, Duration firstDelay) {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    /** About 15 s of trying: 1 + 2 + 4 + 8 s between five attempts. */
    public static final Retry DEFAULT = new Retry(5, Duration.ofSeconds(1));

    public Retry {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
    }

    <T> T call(String step, Supplier<T> action) {
        long delay = firstDelay.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    throw new InfrastructureException("cannot " + step + " after " + attempts + " attempts: "
                            + e.getMessage(), e);
                }
                LOG.warn("cannot {} (attempt {} of {}), retrying in {} ms: {}", step, attempt, attempts, delay,
                        e.getMessage());
                sleep(delay, step);
                delay *= 2;
            }
        }
    }

    void run(String step, Runnable action) {
        call(step, () -> {
            action.run();
            return null;
        });
    }

    private static void sleep(long millis, String step) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while retrying to " + step);
        }
    }
}
