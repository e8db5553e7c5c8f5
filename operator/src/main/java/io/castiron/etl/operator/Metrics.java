package io.castiron.etl.operator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.castiron.etl.api.v1alpha1.FilePhase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/** Prometheus metrics per pipeline: files by outcome, queue depth, running Jobs, claim-to-start latency. */
@ApplicationScoped
public class Metrics {
    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicInteger> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public void claimed(String namespace, String pipeline) {
        registry.counter("etl_files_claimed_total", tags(namespace, pipeline)).increment();
    }

    public void finished(String namespace, String pipeline, FilePhase phase) {
        registry.counter("etl_files_finished_total", tags(namespace, pipeline).and("phase", phase.name())).increment();
    }

    public void claimToStart(String namespace, String pipeline, Duration latency) {
        Timer.builder("etl_claim_to_start_seconds")
                .description("From claiming a file to creating its Job")
                .tags(tags(namespace, pipeline))
                .publishPercentileHistogram()
                .register(registry)
                .record(latency);
    }

    public void queueDepth(String namespace, String pipeline, int queuedFiles, int runningJobs) {
        gauge(queued, "etl_files_queued", namespace, pipeline).set(queuedFiles);
        gauge(running, "etl_jobs_running", namespace, pipeline).set(runningJobs);
    }

    private AtomicInteger gauge(Map<String, AtomicInteger> values, String name, String namespace, String pipeline) {
        return values.computeIfAbsent(name + "/" + namespace + "/" + pipeline,
                k -> registry.gauge(name, tags(namespace, pipeline), new AtomicInteger()));
    }

    private static Tags tags(String namespace, String pipeline) {
        return Tags.of("namespace", namespace, "pipeline", pipeline);
    }
}
