package io.castiron.etl.e2e;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.management.OperatingSystemMXBean;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.store.ObjectInfo;
import io.castiron.etl.testkit.S3TestServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * {@code make bench} on the mock API server with the Job stand-in: what the operator alone can do (the warm batch with
 * the runner in-process is the operator-bound figure), the S3 floor, claim rates, heap; {@link ControlPlaneBench}
 * takes the figures on the real control plane. Figures, not assertions (shared, noisy machines). Not part of
 * {@code make test}: its name does not end in Test. {@code -Dbench.files=N} (default 500).
 */
class PipelineBench {
    private static final int FILES = Integer.getInteger("bench.files", 500);
    /** Files for the pipeline with the runner as its own process (a JVM start each): {@code -Dbench.child.files}. */
    private static final int CHILD_FILES = Integer.getInteger("bench.child.files", 100);
    /**
     * Batches between the cold and the warm one with the runner in-process ({@code -Dbench.warmup.batches}): after
     * one batch of 500 files the JVMs still spend a third of their CPU compiling; the warm figure is meant to show a
     * long-running operator.
     */
    private static final int WARMUP_BATCHES = Integer.getInteger("bench.warmup.batches", 3);
    /** Every part of make bench: this class's and {@link ControlPlaneBench}'s ({@code cluster}). */
    static final String ALL_PARTS = "floor,pipeline,child,claims,heap,cluster";
    /** This class's parts. */
    private static final Set<String> OWN_PARTS = Set.of("floor", "pipeline", "child", "claims", "heap");
    /** Which figures to take, {@code -Dbench.parts=claims,heap}; all by default. */
    private static final Set<String> PARTS = Set.of(System.getProperty("bench.parts", ALL_PARTS).split(","));
    private static final Duration LONG = Duration.ofMinutes(30);

    @Test
    void printFigures() throws Exception {
        Assumptions.assumeTrue(PARTS.stream().anyMatch(OWN_PARTS::contains), "none of " + OWN_PARTS + " asked for");
        System.out.printf("%nCast-Iron ETL benchmark on the mock API server with a stand-in for the Job controller,"
                + " %d files, %d cores%n", FILES, Runtime.getRuntime().availableProcessors());
        double floor = PARTS.contains("floor") ? s3Floor() : Double.NaN;
        double pipeline = PARTS.contains("pipeline") ? pipelineThroughput(MockHarness.Jobs.IN_PROCESS, FILES) : Double.NaN;
        double child = PARTS.contains("child") ? pipelineThroughput(MockHarness.Jobs.CHILD_PROCESS, CHILD_FILES)
                : Double.NaN;
        if (PARTS.contains("claims")) {
            operatorClaimRate();
        }
        if (PARTS.contains("heap")) {
            operatorHeapWith10kFiles();
        }
        System.out.printf("runner fixed overhead: see make bench-runner (child process per run)%n");
        System.out.printf("pipeline/floor = %.2f (runner in-process), %.2f (runner as a process)%n%n",
                pipeline / floor, child / floor);
    }

    /**
     * The same S3 server's rate for what one file needs: two moves (inbox -> processing -> archive). As many passes
     * as the pipeline has batches before its warm one, not measured, warm the JIT of client and server first (after
     * one pass of 500 files the figure still ranged from 92 to 131 files/s between runs).
     */
    private double s3Floor() throws Exception {
        try (MockHarness h = new MockHarness(1, MockHarness.Jobs.NONE)) {
            for (int i = 0; i <= WARMUP_BATCHES; i++) {
                floorPass(h, "bench-floor-warmup-" + i);
            }
            double rate = floorPass(h, "bench-floor");
            System.out.printf("floor: S3 moves for one file (copy+delete twice), sequential, after %d warm-up passes:"
                    + " %.1f files/s%n", WARMUP_BATCHES + 1, rate);
            return rate;
        }
    }

    /** Copy+delete twice per file, as raw as the store does it: the sources are looked up before the clock starts. */
    private static double floorPass(MockHarness h, String bucket) {
        h.store.ensureBucket(bucket);
        byte[] body = "id\n1\n".getBytes(StandardCharsets.UTF_8);
        var sources = new ArrayList<ObjectInfo>();
        for (int i = 0; i < FILES; i++) {
            h.store.upload(bucket, "in/f" + i + ".csv", body, "text/csv", Map.of());
            sources.add(h.store.stat(bucket, "in/f" + i + ".csv").orElseThrow());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < FILES; i++) {
            ObjectInfo in = sources.get(i);
            String processing = "proc/f" + i + ".csv";
            h.store.move(bucket, in, processing, Map.of("id", "x"));
            h.store.move(bucket, new ObjectInfo(processing, in.size(), in.etag(), in.contentType(), in.lastModified(),
                    Map.of("id", "x")), "done/f" + i + ".csv", null);
        }
        return FILES / seconds(t0);
    }

    /**
     * Drop -> archived through operator, Job stand-in and runner (in this JVM or as a process), no-op processor (a
     * Java class in-process, shell {@code true} in the runner process). With the runner in-process, a first batch
     * shows fresh JVMs (much of their CPU goes to the JIT); then {@link #WARMUP_BATCHES} batches, each through a new
     * pipeline of the same installation, and a last one that shows the steady state of a long-running operator; that
     * one is returned.
     */
    private double pipelineThroughput(MockHarness.Jobs mode, int files) throws Exception {
        try (MockHarness h = new MockHarness(8, mode)) {
            if (mode == MockHarness.Jobs.CHILD_PROCESS) {
                return pipelineBatch(h, mode, files, "runner as a process, as the image starts it", true);
            }
            pipelineBatch(h, mode, files, "runner in-process, cold", true);
            for (int i = 1; i <= WARMUP_BATCHES; i++) {
                pipelineBatch(h, mode, files, "runner in-process, warm-up " + i + " of " + WARMUP_BATCHES, false);
            }
            return pipelineBatch(h, mode, files, "runner in-process, warm: the operator-bound figure", true);
        }
    }

    private double pipelineBatch(MockHarness h, MockHarness.Jobs mode, int files, String how, boolean details)
            throws Exception {
        String processor = "max_concurrent_jobs = 8\npoll_interval = \"500ms\"";
        var p = h.install("bench", "noop.toml", mode == MockHarness.Jobs.IN_PROCESS
                ? MockHarness.javaPipeline(".csv", NoOpProcessor.class, processor)
                : MockHarness.shellPipeline(".csv", "true", processor));
        h.cluster.resetRequestCounts();
        S3TestServer.shared().resetCalls();
        Map<String, Instant> dropped = new ConcurrentHashMap<>();
        byte[] body = "id\n1\n".getBytes(StandardCharsets.UTF_8);
        Duration operatorCpu0 = h.operator.cpuTime();
        long testCpu0 = processCpuNanos();
        long childCpu0 = ProcessCpu.reapedChildrenNanos(ProcessHandle.current().pid());
        long postgresCpu0 = ProcessCpu.postgresNanos();
        Map<String, Long> operatorJit0 = ProcessCpu.compilerThreadsNanos(h.operator.pid());
        Map<String, Long> testJit0 = ProcessCpu.compilerThreadsNanos(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        for (int i = 0; i < files; i++) {
            String name = String.format("b%05d.csv", i);
            dropped.put(name, Instant.now());
            h.drop(p.bucket(), p.key("01_inbox", name), body);
        }
        h.awaitAllFinal(p.name(), files, LONG);
        double elapsed = seconds(t0);
        double operatorCpu = h.operator.cpuTime().minus(operatorCpu0).toNanos() / 1e6;
        double testCpu = (processCpuNanos() - testCpu0) / 1e6;
        double childCpu = (ProcessCpu.reapedChildrenNanos(ProcessHandle.current().pid()) - childCpu0) / 1e6;
        double postgresCpu = (ProcessCpu.postgresNanos() - postgresCpu0) / 1e6;
        double operatorJit = ProcessCpu.compilerThreadsNanosSince(h.operator.pid(), operatorJit0) / 1e6;
        double testJit = ProcessCpu.compilerThreadsNanosSince(ProcessHandle.current().pid(), testJit0) / 1e6;
        List<Long> latencies = new ArrayList<>();
        for (EtlFile f : h.files(p.name())) {
            if (MockHarness.phase(f) == FilePhase.Succeeded && f.getStatus().getCompletionTime() != null) {
                latencies.add(Duration.between(dropped.get(f.getSpec().getOriginalName()),
                        Instant.parse(f.getStatus().getCompletionTime())).toMillis());
            }
        }
        Collections.sort(latencies);
        double rate = files / elapsed;
        System.out.printf("pipeline: %d files in %.1f s = %.2f files/s (8 Jobs at once, %s)%n",
                files, elapsed, rate, how);
        if (!details) {
            System.out.printf("pipeline CPU per file: operator %.1f ms, test JVM %.1f ms (of which JIT compiling"
                    + " %.1f and %.1f ms)%n", operatorCpu / files, testCpu / files, operatorJit / files,
                    testJit / files);
            return rate;
        }
        System.out.printf("drop -> archived latency: p50 %d ms, p95 %d ms%n", percentile(latencies, 50),
                percentile(latencies, 95));
        if (mode == MockHarness.Jobs.IN_PROCESS) {
            System.out.printf("pipeline CPU per file: operator %.1f ms; runners, test servers and Job stand-in "
                    + "(one JVM) %.1f ms; PostgreSQL %.1f ms; of the operator's and the test JVM's, JIT compiling "
                    + "%.1f and %.1f ms%n", operatorCpu / files, testCpu / files, postgresCpu / files,
                    operatorJit / files, testJit / files);
        } else {
            System.out.printf("pipeline CPU per file: operator %.1f ms; runner processes %.1f ms; test servers "
                    + "and Job stand-in %.1f ms; PostgreSQL %.1f ms%n", operatorCpu / files, childCpu / files,
                    testCpu / files, postgresCpu / files);
        }
        printApiLoad(h, files);
        printS3Load(files);
        return rate;
    }

    /** The operator alone: files already in the inbox, Jobs never run; pipeline created -> every Job created. */
    private void operatorClaimRate() throws Exception {
        try (MockHarness h = new MockHarness(1, MockHarness.Jobs.NONE)) {
            var jobs = countJobs(h);
            // A fresh JVM spends its first thousands of files compiling (most of its CPU then goes to the JIT):
            // the first batch shows the cold figure, the second the steady state of a long-running operator.
            claimBatch(h, jobs, "cold", "claims-cold");
            claimBatch(h, jobs, "warm", "claims-warm");
            printApiLoad(h, 2 * FILES);
            // A pipeline's finished files stay for its retention (24 h by default): does staging slow down with them?
            // They are written while no operator runs, so none of its writes races the bench's; the new operator
            // gets the same one batch of warm-up as the warm figure.
            h.operator.kill();
            finishedFiles(h, ResourceNames.pipelineNameFor("claims-retained/claims.toml"), 10_000);
            h.startOperator();
            claimBatch(h, jobs, "cold, 10,000 finished files of another pipeline retained", "claims-retained-cold");
            claimBatch(h, jobs, "warm, 10,000 finished files of the pipeline retained", "claims-retained");
        }
    }

    /** {@code count} Succeeded EtlFiles of {@code pipeline}, finished just now. */
    private static void finishedFiles(MockHarness h, String pipeline, int count) throws Exception {
        var files = h.client.resources(EtlFile.class).inNamespace(MockCluster.NAMESPACE);
        var pool = Executors.newFixedThreadPool(4);
        try {
            var created = new ArrayList<Future<?>>();
            for (int i = 0; i < count; i++) {
                int n = i;
                created.add(pool.submit(() -> {
                    var f = new EtlFile();
                    f.setMetadata(new ObjectMetaBuilder().withName(String.format("done-%05d", n))
                            .withLabels(Map.of(MockHarness.PIPELINE_LABEL, pipeline)).build());
                    f.getSpec().setPipeline(pipeline);
                    f.getSpec().setBucket(h.settings.configBucket());
                    f.getSpec().setInboxKey("claims-retained/01_inbox/done-" + n + ".csv");
                    f.getSpec().setOriginalName("done-" + n + ".csv");
                    var done = files.resource(f).create();
                    done.getStatus().setPhase(FilePhase.Succeeded);
                    done.getStatus().setFileId(done.getMetadata().getUid());
                    done.getStatus().setCurrentKey("claims-retained/03_archive/" + done.getMetadata().getUid()
                            + "-done-" + n + ".csv");
                    done.getStatus().setCompletionTime(Instant.now().toString());
                    files.resource(done).updateStatus();
                }));
            }
            for (var f : created) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void claimBatch(MockHarness h, AtomicInteger jobs, String label, String folder)
            throws Exception {
        String bucket = h.settings.configBucket();
        h.store.ensureBucket(bucket);
        byte[] body = "id\n1\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < FILES; i++) {
            h.drop(bucket, folder + "/01_inbox/" + String.format("c%05d.csv", i), body);
        }
        int before = jobs.get();
        Duration operatorCpu0 = h.operator.cpuTime();
        long serversCpu0 = processCpuNanos();
        long postgresCpu0 = ProcessCpu.postgresNanos();
        long t0 = System.nanoTime();
        h.putConfig(folder + "/claims.toml", MockHarness.shellPipeline(".csv", "true",
                "max_concurrent_jobs = 10000\npoll_interval = \"500ms\""));
        await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> jobs.get() - before >= FILES);
        double elapsed = seconds(t0);
        double operatorCpu = h.operator.cpuTime().minus(operatorCpu0).toNanos() / 1e6;
        double serversCpu = (processCpuNanos() - serversCpu0) / 1e6;
        double postgresCpu = (ProcessCpu.postgresNanos() - postgresCpu0) / 1e6;
        System.out.printf("operator only (%s): claim -> Job created for %d files: %.1f files/s (incl. staging); "
                + "CPU per file: operator %.1f ms, test servers (mock API, S3, Kafka) %.1f ms, PostgreSQL %.1f ms%n",
                label, FILES, FILES / elapsed, operatorCpu / FILES, serversCpu / FILES, postgresCpu / FILES);
    }

    /** Returns once the operator has used less than 50 ms of CPU in a second (at most a minute). */
    /** Counts Jobs from a watch: polling a list of every Job would load the mock API server itself. */
    private static AtomicInteger countJobs(MockHarness h) {
        var jobs = new AtomicInteger();
        h.client.batch().v1().jobs().inNamespace(MockCluster.NAMESPACE).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        jobs.incrementAndGet();
                    }

                    @Override
                    public void onUpdate(Job before,
                            Job after) {
                    }

                    @Override
                    public void onDelete(Job job, boolean unknown) {
                    }
                });
        return jobs;
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** 10,000 EtlFiles in the operator's caches, then a full GC: used heap. */
    private void operatorHeapWith10kFiles() throws Exception {
        try (MockHarness h = new MockHarness(1, MockHarness.Jobs.NONE)) {
            var files = h.client.resources(EtlFile.class).inNamespace(MockCluster.NAMESPACE);
            for (int i = 0; i < 10_000; i++) {
                var f = new EtlFile();
                f.setMetadata(new ObjectMetaBuilder().withName(String.format("cached-%05d", i))
                        .withLabels(Map.of(MockHarness.PIPELINE_LABEL, "absent")).build());
                f.getSpec().setPipeline("absent");
                f.getSpec().setBucket("etl");
                f.getSpec().setInboxKey("in/file-" + i + ".csv");
                f.getSpec().setOriginalName("file-" + i + ".csv");
                files.resource(f).create();
            }
            // Every file reconciled (it notes its missing pipeline), so every cache holds all of them.
            await().atMost(LONG).pollInterval(Duration.ofSeconds(2)).until(() -> files.list().getItems().stream()
                    .filter(f -> f.getStatus() != null && f.getStatus().getMessage() != null).count() >= 10_000);
            // ... and has worked through what its informers still had queued (that backlog is no part of the cache)
            h.operator.awaitIdle(Duration.ofMinutes(1));
            System.out.printf("operator heap after GC with 10,000 EtlFiles cached: %d MB%n",
                    h.operator.heapUsedAfterGc() / (1024 * 1024));
        }
    }

    /**
     * What the mock API server was asked, by the operator and by the harness (the Job stand-in, the runners'
     * progress patches, the bench's own polling), per file of the {@code files} the run had.
     */
    private static void printApiLoad(MockHarness h, int files) {
        Map<String, Long> counts = h.cluster.requestCounts();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("API requests: %.1f per file, mock API server CPU %.2f ms per request%s:%n",
                (double) total / files, h.cluster.cpuTime().toNanos() / 1e6 / total,
                h.cluster.indexed() ? "" : " (its name index was off: every lookup scanned all objects)");
        counts.forEach((request, n) -> {
            if (n >= files / 5) {
                System.out.printf("API   %-40s %6d%n", request, n);
            }
        });
    }

    /**
     * What the S3 server's storage layer was asked per file (its helpers getContext and blobBuilder left out): the
     * drop of each file is a putBlob, each copy a blobMetadata of its source and a copyBlob.
     */
    private static void printS3Load(int files) {
        String calls = S3TestServer.shared().calls().entrySet().stream()
                .filter(e -> !Set.of("getContext", "blobBuilder").contains(e.getKey()))
                .map(e -> String.format("%s %.2f", e.getKey(), (double) e.getValue() / files))
                .collect(Collectors.joining(", "));
        System.out.printf("S3 server calls per file (storage layer; a copy is blobMetadata + copyBlob; the drop is"
                + " putBlob): %s%n", calls);
    }

    private static long percentile(List<Long> sorted, int pct) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(pct / 100.0 * sorted.size()) - 1));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
