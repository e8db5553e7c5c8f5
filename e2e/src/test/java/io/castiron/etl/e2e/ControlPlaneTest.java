package io.castiron.etl.e2e;

import static io.castiron.etl.e2e.Harness.WAIT;
import static io.castiron.etl.e2e.Harness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.contract.RunnerExitCodes;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What only a real control plane shows: leader election under the chart's RBAC, the CRDs' printer columns and
 * validation as the apiserver applies them, garbage collection through owner references, and the Job controller's
 * own reading of the runner's exit codes (its podFailurePolicy and back-off).
 */
class ControlPlaneTest extends OnTheControlPlane {
    /** The operator's leader-election Lease (its Leadership configuration). */
    private static final String LEASE = "castiron-etl-operator";
    /** The label the Job controller puts on a Job's pods. */
    private static final String JOB_NAME = "batch.kubernetes.io/job-name";
    private Lease lease() {
        return h.client.leases().withName(LEASE).get();
    }

    @Test
    void theOperatorKeepsLeadingThroughAMinuteOfRenewalsAndAReplicaTakesOverWhenItIsKilled() throws Exception {
        await().atMost(WAIT).until(() -> lease() != null && lease().getSpec().getHolderIdentity() != null);
        String leader = lease().getSpec().getHolderIdentity();
        ZonedDateTime firstRenewal = lease().getSpec().getRenewTime();
        // The lease lasts 3 s and is renewed every 0.5 s: a minute is over a hundred renewals, each a PATCH the
        // chart's Role must allow, or the operator stops leading and exits.
        await().during(Duration.ofSeconds(65)).atMost(Duration.ofSeconds(80)).pollInterval(Duration.ofSeconds(1))
                .until(() -> h.operator.isAlive() && leader.equals(lease().getSpec().getHolderIdentity()));
        assertThat(lease().getSpec().getRenewTime()).isAfter(firstRenewal.plusSeconds(60));

        OperatorProcess replica = h.startReplica();
        OperatorProcess first = h.operator;
        h.operator = replica;
        try {
            first.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !leader.equals(lease().getSpec().getHolderIdentity()));
            double takeover = (System.nanoTime() - killed) / 1e9;
            System.out.printf("replica took the lease %.1f s after the leader was killed%n", takeover);
            // the lease duration (3 s) plus the replica's retry period and a noisy machine's slack
            assertThat(takeover).isLessThan(10);

            var p = h.install("lead", "after.toml", Harness.shellPipeline(".csv", "true", ""));
            h.drop(p.bucket(), p.key("01_inbox", "after-takeover.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));
            h.awaitAllFinal(p.name(), 1);
            assertThat(phase(h.files(p.name()).get(0))).isEqualTo(FilePhase.Succeeded);
        } finally {
            first.close();
        }
    }

    @Test
    void kubectlGetPrintsThePrinterColumnsOfPipelinesAndFiles() {
        var p = h.install("columns", "cols.toml", Harness.shellPipeline(".csv", "true", ""));
        h.drop(p.bucket(), p.key("01_inbox", "shown.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));
        h.awaitAllFinal(p.name(), 1);

        // The counts reach the pipeline's status a moment after the file's own.
        await().atMost(WAIT).untilAsserted(() -> {
            String pipelines = h.kube.cluster.run("kubectl", "get", "etlp", "-n", h.namespace, p.name());
            assertThat(pipelines.lines().findFirst().orElseThrow().split("\\s+"))
                    .containsExactly("NAME", "ENABLED", "GLOB", "READY", "RUNNING", "SUCCEEDED", "FAILED", "AGE");
            assertThat(pipelines.lines().skip(1).toList()).singleElement().satisfies(line -> assertThat(
                    line.split("\\s+")).startsWith(p.name(), "true", ".csv", "True", "0", "1", "0"));
        });

        String files = h.kube.cluster.run("kubectl", "get", "etlf", "-n", h.namespace, "-l",
                Harness.PIPELINE_LABEL + "=" + p.name());
        assertThat(files.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "PIPELINE", "FILE", "PHASE", "PROGRESS", "ATTEMPTS", "AGE");
        assertThat(files.lines().skip(1).toList()).singleElement().satisfies(line -> assertThat(line.split("\\s+"))
                .contains(p.name(), "shown.csv", "Succeeded"));
    }

    @Test
    void theApiServerRefusesAnInvalidPipelineWithTheCrdsMessage() {
        String twoProcessors = """
                apiVersion: etl.castiron.io/v1alpha1
                kind: EtlPipeline
                metadata: {name: two-processors}
                spec:
                  bucket: etl
                  handledFileGlob: ".csv"
                  stages: {inbox: in, processing: proc, error: err}
                  processor:
                    shell: {script: "true"}
                    java: {className: x.Y}
                """;
        assertThatThrownBy(() -> h.client.resource(Serialization.unmarshal(twoProcessors, EtlPipeline.class))
                .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("exactly one of processor.python, processor.java,"
                            + " processor.shell must be set");
                });

        String noSlots = twoProcessors.replace("two-processors", "no-slots")
                .replace("    java: {className: x.Y}\n", "").replace("  bucket: etl", "  bucket: etl\n  maxConcurrentJobs: 0");
        assertThatThrownBy(() -> h.client.resource(Serialization.unmarshal(noSlots, EtlPipeline.class)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.maxConcurrentJobs")
                            .contains("should be greater than or equal to 1");
                });
    }

    @Test
    void deletingAnEtlFileRemovesItsJobAndItsPodThroughTheGarbageCollector() {
        var p = h.install("gc", "sleepy.toml", Harness.shellPipeline(".csv", "sleep 300", ""));
        h.drop(p.bucket(), p.key("01_inbox", "doomed.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> h.files(p.name()).stream().anyMatch(f -> phase(f) == FilePhase.Running));
        EtlFile file = h.files(p.name()).get(0);
        String job = file.getStatus().getJobName();
        await().atMost(WAIT).until(() -> h.client.pods().withLabel(JOB_NAME, job).list().getItems().stream()
                .anyMatch(pod -> "Running".equals(pod.getStatus().getPhase())));
        assertThat(h.client.batch().v1().jobs().withName(job).get()).isNotNull();

        h.client.resource(file).delete();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(h.client.batch().v1().jobs().withName(job).get()).as("the file's Job").isNull();
            assertThat(h.client.pods().withLabel(JOB_NAME, job).list().getItems())
                    .as("the Job's pods").isEmpty();
        });
    }

    @Test
    void theJobControllerRetriesExitCode75AndNeverRetriesExitCode3() {
        var failing = h.install("exit3", "failing.toml", Harness.pipeline(".csv", """
                shell = "exit 1"
                [castiron.etl.runner]
                backoff_limit = 2
                """));
        var later = h.install("exit75", "later.toml", Harness.pipeline(".csv", """
                [castiron.etl.runner]
                backoff_limit = 1
                [castiron.etl.java]
                class_name = "io.castiron.examples.UnavailableServiceProcessor"
                """));
        h.drop(failing.bucket(), failing.key("01_inbox", "bad.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));
        h.drop(later.bucket(), later.key("01_inbox", "later.csv"), "id\n1\n".getBytes(StandardCharsets.UTF_8));

        h.awaitAllFinal(failing.name(), 1);
        EtlFile failed = h.files(failing.name()).get(0);
        assertThat(phase(failed)).isEqualTo(FilePhase.Failed);
        Job failedJob = h.client.batch().v1().jobs().withName(failed.getStatus().getJobName()).get();
        assertThat(failedJob.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Failed");
            assertThat(c.getReason()).isEqualTo("PodFailurePolicy");
        });
        assertThat(failedJob.getStatus().getFailed()).as("pods of a Job whose runner exited %d",
                RunnerExitCodes.PROCESSOR_FAILED).isEqualTo(1);

        // exit 75 twice: the first pod, then one retry after the Job controller's 10 s back-off (backoff_limit 1)
        h.awaitAllFinal(later.name(), 1, Duration.ofMinutes(3));
        EtlFile retried = h.files(later.name()).get(0);
        Job retriedJob = h.client.batch().v1().jobs().withName(retried.getStatus().getJobName()).get();
        assertThat(retriedJob.getStatus().getFailed()).as("pods of a Job whose runner exited %d",
                RunnerExitCodes.RETRY_LATER).isEqualTo(2);
        assertThat(retriedJob.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Failed");
            assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
        });
        assertThat(phase(retried)).isEqualTo(FilePhase.Failed);
    }
}
