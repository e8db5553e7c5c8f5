package io.castiron.etl.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.testkit.kube.GuardedProcesses;
import io.castiron.etl.testkit.kube.LocalCluster;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * {@code make bench}'s figures on the local control plane ({@link Harness}): the chart's operator as a process, its
 * Jobs run by the real Job controller, their pods run by the process node as runner processes (the runner image's
 * entrypoint, a JVM and its Python interpreter), a Python processor that does nothing
 * ({@code castiron_examples.noop.ignore}). The same {@code -Dbench.files=N} files of 1 KB (default 500) go through one
 * Job per file and through batches ({@code -Dbench.files.per.job=1,10,50}), side by side, each mode through a
 * pipeline of its own on one operator warmed up first, with the same {@code -Dbench.slots} (max_concurrent_jobs,
 * default 4); then the claim rate: N files already in the inbox, a pipeline with a slot for each, pipeline created
 * &rarr; every Job created.
 * <p>
 * Figures, not assertions (shared, noisy machines). Not part of {@code make test}: its name does not end in Test.
 * Part {@code cluster} of {@code -Dbench.parts}.
 */
class ControlPlaneBench {
    private static final int FILES = Integer.getInteger("bench.files", 500);
    private static final List<Integer> FILES_PER_JOB = Arrays.stream(
            System.getProperty("bench.files.per.job", "1,10,50").split(",")).map(String::strip).map(Integer::valueOf)
            .toList();
    private static final int SLOTS = Integer.getInteger("bench.slots", 4);
    /** Files through a pipeline of batches of 10 before the figures: the operator's JIT sees both kinds of Job. */
    private static final int WARMUP_FILES = Integer.getInteger("bench.warmup.files", 100);
    private static final Set<String> PARTS = Set.of(System.getProperty("bench.parts", PipelineBench.ALL_PARTS)
            .split(","));
    private static final String POLL_INTERVAL = "500ms";
    private static final Duration LONG = Duration.ofMinutes(30);
    /** An image the process node has no command for: its pods wait with ErrImagePull and no runner starts. */
    private static final String ABSENT_IMAGE = "castiron-etl-runner:bench-absent";
    private static final byte[] KILOBYTE = kilobyteCsv();

    @Test
    void printFigures() throws Exception {
        Assumptions.assumeTrue(PARTS.contains("cluster"), "part cluster not asked for");
        String load = loadAverage();
        try (Harness h = new Harness()) {
            run(h, 10, WARMUP_FILES);
            Cpu idle = idleRate(h, Duration.ofSeconds(20));
            double guardMillis = processGuardMillis(10);
            var runs = new ArrayList<Run>();
            for (int filesPerJob : FILES_PER_JOB) {
                runs.add(run(h, filesPerJob, FILES));
            }
            String claims = claimRate(h);
            print(load, runs, idle, guardMillis, claims);
        }
    }

    /** A pipeline of the no-op Python processor, {@code filesPerJob} files per Job, {@code slots} Jobs at once. */
    private static String noopPipeline(int filesPerJob, int slots, String image) {
        return Harness.pipeline(".csv", """
                max_concurrent_jobs = %d
                poll_interval = "%s"
                [castiron.etl.python]
                worker_run_method = "castiron_examples.noop.ignore"
                [castiron.etl.runner]
                files_per_job = %d
                %s
                """.formatted(slots, POLL_INTERVAL, filesPerJob, image == null ? "" : "image = \"" + image + "\""));
    }

    /**
     * Drops {@code files} files into a new pipeline of {@code filesPerJob} files per Job, waits until all are final
     * and their runners have exited (so each runner's CPU is counted, its JVM's exit included), then removes the
     * pipeline, its files and (through the garbage collector) their Jobs and pods, so that the next mode starts on
     * an equally empty namespace.
     */
    private static Run run(Harness h, int filesPerJob, int files) throws Exception {
        var p = h.install("bench-" + filesPerJob, "noop.toml", noopPipeline(filesPerJob, SLOTS, null));
        Map<String, Instant> dropped = new HashMap<>();
        Map<String, Long> requestsBefore = apiRequests(h);
        Cpu before = Cpu.now(h);
        Instant first = Instant.now();
        for (int i = 0; i < files; i++) {
            String name = String.format("f%05d.csv", i);
            dropped.put(name, Instant.now());
            h.drop(p.bucket(), p.key("01_inbox", name), KILOBYTE);
        }
        double dropSeconds = Duration.between(first, Instant.now()).toMillis() / 1000.0;
        h.awaitAllFinal(p.name(), files, LONG);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> h.kube.node.running(h.namespace) == 0);
        Cpu used = Cpu.now(h).minus(before);
        Map<String, Long> requests = since(apiRequests(h), requestsBefore);

        List<EtlFile> finished = h.files(p.name());
        var latencies = new ArrayList<Long>();
        Instant last = first;
        int failed = 0;
        for (EtlFile f : finished) {
            if (Harness.phase(f) != FilePhase.Succeeded) {
                failed++;
                continue;
            }
            Instant done = Instant.parse(f.getStatus().getCompletionTime());
            latencies.add(Duration.between(dropped.get(f.getSpec().getOriginalName()), done).toMillis());
            last = done.isAfter(last) ? done : last;
        }
        Collections.sort(latencies);
        long jobs = finished.stream().map(f -> f.getStatus().getJobName()).distinct().count();
        remove(h, p);
        return new Run(filesPerJob, files, failed, jobs, Duration.between(first, last).toMillis() / 1000.0,
                dropSeconds, percentile(latencies, 50), percentile(latencies, 95), used, requests);
    }

    /**
     * What the API server has been asked so far, by all its clients (operator, Job controller, garbage collector,
     * runners, process node, this bench), by verb and resource: its {@code apiserver_request_total} metric.
     */
    private static Map<String, Long> apiRequests(Harness h) {
        String metrics = h.kube.cluster.admin().raw(h.kube.cluster.url() + "/metrics");
        var counts = new HashMap<String, Long>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("apiserver_request_total{")) {
                continue;
            }
            String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
            String subresource = label(labels, "subresource");
            String key = label(labels, "verb") + " " + label(labels, "resource")
                    + (subresource.isEmpty() ? "" : "/" + subresource);
            long count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            counts.merge(key, count, Long::sum);
        }
        return counts;
    }

    private static String label(String labels, String name) {
        int at = labels.indexOf(name + "=\"");
        if (at < 0) {
            return "";
        }
        int from = at + name.length() + 2;
        return labels.substring(from, labels.indexOf('"', from));
    }

    private static Map<String, Long> since(Map<String, Long> now, Map<String, Long> before) {
        var delta = new HashMap<String, Long>();
        now.forEach((key, n) -> delta.put(key, n - before.getOrDefault(key, 0L)));
        return delta;
    }

    /** Deletes the pipeline's TOML and its EtlFiles, and waits until the pipeline, its Jobs and pods are gone. */
    private static void remove(Harness h, Installation.Installed p) {
        h.store.delete(p.bucket(), p.folder() + "/noop.toml");
        await().atMost(Harness.WAIT).until(() -> h.client.resources(EtlPipeline.class).withName(p.name()).get() == null);
        h.client.resources(EtlFile.class).withLabel(Harness.PIPELINE_LABEL, p.name()).delete();
        await().atMost(LONG).pollInterval(Duration.ofSeconds(1)).until(() -> h.files(p.name()).isEmpty()
                && h.client.batch().v1().jobs().list().getItems().isEmpty()
                && h.client.pods().list().getItems().isEmpty());
    }

    /**
     * The operator alone on the real API server: {@code FILES} files already in the inbox, then a pipeline with a
     * slot for each; pipeline created &rarr; every Job created. The Jobs' pods wait with ErrImagePull (an image the
     * process node has no command for), so no runner starts, while the Job controller still creates a pod for each
     * Job and the node writes its status, as a cluster would.
     */
    private static String claimRate(Harness h) {
        String folder = "bench-claims";
        String bucket = h.settings.configBucket();
        h.store.ensureBucket(bucket);
        for (int i = 0; i < FILES; i++) {
            h.drop(bucket, folder + "/01_inbox/" + String.format("c%05d.csv", i), KILOBYTE);
        }
        var jobs = new AtomicInteger();
        try (var informer = h.client.batch().v1().jobs().inform(new ResourceEventHandler<Job>() {
            @Override
            public void onAdd(Job job) {
                jobs.incrementAndGet();
            }

            @Override
            public void onUpdate(Job before, Job after) {
            }

            @Override
            public void onDelete(Job job, boolean unknown) {
            }
        })) {
            Cpu before = Cpu.now(h);
            long t0 = System.nanoTime();
            h.putConfig(folder + "/claims.toml", noopPipeline(1, FILES, ABSENT_IMAGE));
            await().atMost(LONG).pollInterval(Duration.ofMillis(50)).until(() -> jobs.get() >= FILES);
            double seconds = (System.nanoTime() - t0) / 1e9;
            Cpu used = Cpu.now(h).minus(before);
            return String.format("claim -> Job created, real API server (%d files already in the inbox, a slot each,"
                    + " pipeline created -> every Job created; the pods wait with ErrImagePull, no runner starts):"
                    + " %.1f files/s; CPU ms per file: operator %.1f, kube-apiserver %.1f, etcd %.1f,"
                    + " kube-controller-manager %.1f", FILES, FILES / seconds, used.perFile(used.operator, FILES),
                    used.perFile(used.apiserver, FILES), used.perFile(used.etcd, FILES),
                    used.perFile(used.controllerManager, FILES));
        }
    }

    /** What each process uses with nothing to do (lease renewals, polls of the inbox and config bucket): per second. */
    private static Cpu idleRate(Harness h, Duration over) throws InterruptedException {
        Cpu before = Cpu.now(h);
        Thread.sleep(over.toMillis()); // a measuring window, not a wait for something to happen
        return Cpu.now(h).minus(before);
    }

    /**
     * The process guard's own CPU (a python3 that starts each pod's container and waits for it; part of the test
     * harness, not of the product): counted among the runners' CPU, once per pod.
     */
    private static double processGuardMillis(int starts) throws Exception {
        long self = ProcessHandle.current().pid();
        long before = ProcessCpu.reapedChildrenNanos(self);
        for (int i = 0; i < starts; i++) {
            GuardedProcesses.start(new ProcessBuilder("true"), Duration.ofSeconds(1)).waitFor();
        }
        // `true` itself takes well under a clock tick: what is counted is the guard's
        return (ProcessCpu.reapedChildrenNanos(self) - before) / 1e6 / starts;
    }

    private static void print(String load, List<Run> runs, Cpu idle, double guardMillis, String claims)
            throws Exception {
        var out = new StringBuilder();
        out.append(String.format("%nCast-Iron ETL benchmark on the local control plane: %d files of 1 KB, no-op Python"
                + " processor, max_concurrent_jobs = %d, poll_interval %s, %d cores (load average %s at the start, %s at"
                + " the end)%n", FILES, SLOTS, POLL_INTERVAL, Runtime.getRuntime().availableProcessors(), load,
                loadAverage()));
        out.append(String.format("%-14s %5s %8s %12s | %s%n", "mode", "Jobs", "files/s", "p50/p95 (s)",
                "CPU ms per file: operator, apiserver, etcd, controller-manager, runners, test JVM, PostgreSQL"));
        for (Run r : runs) {
            out.append(row(r, r.cpu));
        }
        out.append(String.format("the same, less what each process uses idle (over each mode's duration):%n"));
        for (Run r : runs) {
            out.append(row(r, r.cpu.minus(idle.over(r.cpu.wallNanos))));
        }
        for (Run r : runs) {
            out.append(String.format("  %s: drops took %.1f s; %.1f s from the first drop to the last file Succeeded;"
                    + " API requests per file %.1f: %s%n", r.mode(), r.dropSeconds, r.seconds,
                    r.requests.values().stream().mapToLong(Long::longValue).sum() / (double) r.files,
                    topRequests(r.requests, r.files)));
        }
        Run perFile = runs.stream().filter(r -> r.filesPerJob == 1).findFirst().orElse(null);
        if (perFile != null) {
            for (Run r : runs) {
                if (r != perFile) {
                    out.append(String.format("%s against per file: %.1fx the files/s, operator CPU per file %.2fx"
                            + " (%.2fx less idle)%n", r.mode(), r.filesPerSecond() / perFile.filesPerSecond(),
                            operatorPerFile(r, null) / operatorPerFile(perFile, null),
                            operatorPerFile(r, idle) / operatorPerFile(perFile, idle)));
                }
            }
        }
        out.append(String.format("idle, CPU ms per second: operator %.1f, apiserver %.1f, etcd %.1f,"
                + " controller-manager %.1f, test JVM %.1f, PostgreSQL %.1f%n", idle.perSecond(idle.operator),
                idle.perSecond(idle.apiserver), idle.perSecond(idle.etcd), idle.perSecond(idle.controllerManager),
                idle.perSecond(idle.testJvm), idle.perSecond(idle.postgres)));
        out.append(String.format("runners: the runner JVMs and their Python interpreters, with the process guard of"
                + " each pod (test harness: %.0f ms a pod); test JVM: the S3 and Kafka test servers, the process node,"
                + " the bench%n", guardMillis));
        out.append(claims).append(String.format("%n%n"));
        System.out.print(out);
    }

    private static String row(Run r, Cpu c) {
        return String.format("%-14s %5d %8.2f %12s | %8.1f %9.1f %5.1f %18.1f %8.1f %9.1f %11.1f%s%n",
                r.mode(), r.jobs, r.filesPerSecond(), String.format("%.1f / %.1f", r.p50 / 1000.0, r.p95 / 1000.0),
                c.perFile(c.operator, r.files), c.perFile(c.apiserver, r.files), c.perFile(c.etcd, r.files),
                c.perFile(c.controllerManager, r.files), c.perFile(c.runners, r.files),
                c.perFile(c.testJvm, r.files), c.perFile(c.postgres, r.files),
                r.failed == 0 ? "" : " (" + r.failed + " not Succeeded)");
    }

    /** The operator's CPU per file of the run, less its idle use over the run's duration unless {@code idle} is null. */
    private static double operatorPerFile(Run r, Cpu idle) {
        Cpu c = idle == null ? r.cpu : r.cpu.minus(idle.over(r.cpu.wallNanos));
        return c.perFile(c.operator, r.files);
    }

    /** The requests made at least once for every five files, most first, per file. */
    private static String topRequests(Map<String, Long> requests, int files) {
        return requests.entrySet().stream().filter(e -> e.getValue() * 5 >= files)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / (double) files))
                .collect(Collectors.joining(", "));
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    /** One mode's figures. */
    private record Run(int filesPerJob, int files, int failed, long jobs, double seconds, double dropSeconds, long p50,
            long p95, Cpu cpu, Map<String, Long> requests) {
        String mode() {
            return filesPerJob == 1 ? "per file" : "batches of " + filesPerJob;
        }

        double filesPerSecond() {
            return files / seconds;
        }
    }

    /**
     * CPU time of each process (ns): the operator's JVM, kube-apiserver, etcd, kube-controller-manager, this JVM's
     * reaped children (the runner pods' processes: each pod's guard, waiting for its runner JVM, which waits for
     * its Python), this JVM's own, and the PostgreSQL server's tree; with the wall time it was read at.
     */
    private record Cpu(long operator, long apiserver, long etcd, long controllerManager, long runners, long testJvm,
            long postgres, long wallNanos) {
        static Cpu now(Harness h) {
            LocalCluster cluster = h.kube.cluster;
            long self = ProcessHandle.current().pid();
            return new Cpu(ProcessCpu.ownNanos(h.operator.pid()),
                    ProcessCpu.ownNanos(cluster.server("kube-apiserver").pid()),
                    ProcessCpu.ownNanos(cluster.server("etcd").pid()),
                    ProcessCpu.ownNanos(cluster.server("kube-controller-manager").pid()),
                    ProcessCpu.reapedChildrenNanos(self), ProcessCpu.ownNanos(self), ProcessCpu.postgresNanos(),
                    System.nanoTime());
        }

        /** This reading, taken over an idle stretch, scaled to {@code nanos} of wall time. */
        Cpu over(long nanos) {
            double f = (double) nanos / wallNanos;
            return new Cpu(Math.round(operator * f), Math.round(apiserver * f), Math.round(etcd * f),
                    Math.round(controllerManager * f), Math.round(runners * f), Math.round(testJvm * f),
                    Math.round(postgres * f), nanos);
        }

        Cpu minus(Cpu o) {
            return new Cpu(operator - o.operator, apiserver - o.apiserver, etcd - o.etcd,
                    controllerManager - o.controllerManager, runners - o.runners, testJvm - o.testJvm,
                    postgres - o.postgres, wallNanos - o.wallNanos);
        }

        double perFile(long nanos, int files) {
            return nanos / 1e6 / files;
        }

        double perSecond(long nanos) {
            return nanos / 1e6 / (wallNanos / 1e9);
        }
    }

    private static long percentile(List<Long> sorted, int pct) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(pct / 100.0 * sorted.size()) - 1));
    }

    /** A CSV of exactly 1024 bytes. */
    private static byte[] kilobyteCsv() {
        var csv = new StringBuilder("id\n");
        for (int i = 0; csv.length() < 1024; i++) {
            csv.append(i).append('\n');
        }
        csv.setLength(1023);
        return csv.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
