package io.castiron.etl.e2e;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * {@code make bench-heap}: the operator's heap after a full GC with {@code -Dbench.heap.files=N} (default 10,000)
 * finished EtlFiles and their Jobs on the local control plane, the objects as the API server keeps them
 * (managedFields, defaults), beside the same operator with none; {@code -Dbench.heap.compare.jar=path/quarkus-run.jar}
 * measures another build on the same objects too, and {@code -Dcastiron.operator.jvmArgs=-Xmx1g} gives the operators
 * more heap than the chart's 384 MB (one that runs out exits). Figures, not assertions (shared, noisy machines).
 * Not part of {@code make test}: its name does not end in Test.
 * <p>
 * The copies are made from one file the pipeline really processed, its EtlFile and its Job, while no operator runs
 * (the figure is what its caches hold after a start, not a backlog of events). The Jobs are created suspended, so
 * the Job controller starts no pods; they lack a finished Job's few status fields.
 */
class OperatorHeapBench {
    private static final int FILES = Integer.getInteger("bench.heap.files", 10_000);
    private static final Duration LONG = Duration.ofMinutes(30);
    /** Another build's quarkus-run.jar to measure on the same objects, e.g. the one before a change. */
    private static final String OTHER_BUILD = "bench.heap.compare.jar";

    @Test
    void printOperatorHeap() throws Exception {
        List<String> builds = new ArrayList<>(List.of(""));
        String other = System.getProperty(OTHER_BUILD, "").strip();
        if (!other.isEmpty()) {
            builds.add(other);
        }
        try (Harness h = new Harness()) {
            var p = h.install("heap", "heap.toml", Harness.shellPipeline(".csv", "true", ""));
            h.drop(p.bucket(), p.key("01_inbox", "model.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));
            h.awaitAllFinal(p.name(), 1);
            EtlFile model = h.files(p.name()).get(0);
            Job modelJob = h.client.batch().v1().jobs().withName(model.getMetadata().getName()).get();

            List<Long> without = new ArrayList<>();
            for (String build : builds) {
                without.add(heapAfterStart(h, build, p.name(), 1));
            }
            h.operator.kill();
            long started = System.nanoTime();
            copies(h, model, modelJob, FILES);
            double writeSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%noperator heap after GC, real API server objects (%,d files and Jobs written in %.0f s):%n",
                    FILES, writeSeconds);
            for (int i = 0; i < builds.size(); i++) {
                long with = heapAfterStart(h, builds.get(i), p.name(), FILES + 1);
                System.out.printf("  %s: without files %d MB, with %,d finished EtlFiles and their Jobs %d MB"
                        + " (%.1f KB per file and Job)%n", builds.get(i).isEmpty() ? "this build" : builds.get(i),
                        without.get(i) >> 20, FILES, with >> 20, (with - without.get(i)) / 1024.0 / FILES);
            }
            System.out.println();
        }
    }

    /**
     * A fresh operator ({@code build}: a quarkus-run.jar, or "" for the packaged one), once its pipeline counts
     * {@code files} (its informers hold them all) and it has nothing left to do: its heap after a full GC.
     */
    private static long heapAfterStart(Harness h, String build, String pipeline, int files) throws Exception {
        h.operator.kill();
        // an operator that lists unpaged (as before CachePruning.LIST_PAGE) took over a minute to be ready
        h.startOperator(build.isEmpty() ? OperatorProcess.packagedJar() : build, LONG);
        // Ready means its informers have listed everything; then it leads, and works through what they delivered.
        await().atMost(LONG).until(() -> Files.readString(h.operator.log())
                .contains("Started event processing for controller: etlfile")); // the operator SDK's log line
        var resource = h.client.resources(EtlPipeline.class).withName(pipeline);
        await().atMost(LONG).pollInterval(Duration.ofSeconds(2)).until(() -> resource.get().getStatus() != null
                && Integer.valueOf(files).equals(resource.get().getStatus().getSucceeded()));
        h.operator.awaitIdle(LONG);
        return h.operator.heapUsedAfterGc();
    }

    /** {@code count} Succeeded EtlFiles like {@code model}, each with a suspended Job like {@code modelJob}. */
    private static void copies(Harness h, EtlFile model, Job modelJob, int count) throws Exception {
        var pool = Executors.newFixedThreadPool(16);
        try {
            var created = new ArrayList<Future<?>>();
            for (int i = 0; i < count; i++) {
                String name = String.format("heap-%05d", i);
                created.add(pool.submit(() -> {
                    EtlFile file = copyOf(h, model, name);
                    h.client.resource(jobFor(h, file, modelJob)).create();
                    return null;
                }));
            }
            for (var f : created) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static EtlFile copyOf(Harness h, EtlFile model, String name) {
        var file = new EtlFile();
        file.setMetadata(new ObjectMeta());
        file.getMetadata().setName(name);
        file.getMetadata().setLabels(model.getMetadata().getLabels());
        file.setSpec(h.client.getKubernetesSerialization().clone(model.getSpec()));
        file.getSpec().setInboxKey(model.getSpec().getInboxKey().replace("model", name));
        file.getSpec().setOriginalName(name + ".csv");
        EtlFile created = h.client.resource(file).create();
        String uid = created.getMetadata().getUid();
        var status = h.client.getKubernetesSerialization().clone(model.getStatus());
        status.setFileId(uid);
        status.setCurrentKey(model.getStatus().getCurrentKey().replace(model.getStatus().getFileId(), uid)
                .replace("model", name));
        status.setJobName(name);
        created.setStatus(status);
        return h.client.resource(created).updateStatus();
    }

    /** The model Job for another file: what the API server generated on create (uid, selector) left out. */
    private static Job jobFor(Harness h, EtlFile file, Job modelJob) {
        Job job = h.client.getKubernetesSerialization().clone(modelJob);
        var meta = new ObjectMeta();
        meta.setName(file.getMetadata().getName());
        meta.setLabels(withoutGenerated(modelJob.getMetadata().getLabels()));
        meta.setAnnotations(modelJob.getMetadata().getAnnotations());
        OwnerReference owner = h.client.getKubernetesSerialization()
                .clone(modelJob.getMetadata().getOwnerReferences().get(0));
        owner.setName(file.getMetadata().getName());
        owner.setUid(file.getMetadata().getUid());
        meta.setOwnerReferences(List.of(owner));
        job.setMetadata(meta);
        job.setStatus(null);
        job.getSpec().setSelector(null);
        job.getSpec().setSuspend(true);
        job.getSpec().getTemplate().getMetadata().setLabels(
                withoutGenerated(modelJob.getSpec().getTemplate().getMetadata().getLabels()));
        return job;
    }

    /** Labels without those the Job controller derives from a Job's uid and name. */
    private static Map<String, String> withoutGenerated(Map<String, String> labels) {
        var kept = new HashMap<>(labels == null ? Map.<String, String>of() : labels);
        kept.keySet().removeIf(k -> k.equals("controller-uid") || k.equals("job-name")
                || k.equals("batch.kubernetes.io/controller-uid") || k.equals("batch.kubernetes.io/job-name"));
        return kept;
    }
}
