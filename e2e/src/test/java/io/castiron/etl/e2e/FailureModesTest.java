package io.castiron.etl.e2e;

import static io.castiron.etl.e2e.Harness.WAIT;
import static io.castiron.etl.e2e.Harness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.status.FileStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What a real cluster does to a file, with the real Job controller, garbage collector and API server: runners that
 * never start, Jobs the API server refuses, names too long for a label, Jobs deleted by hand. Each file still ends
 * in exactly one stage folder, with the reason.
 */
class FailureModesTest extends OnTheControlPlane {
    private static final byte[] CSV = "id\n1\n".getBytes(StandardCharsets.UTF_8);

    private static String runner(String lines) {
        return "shell = \"true\"\n[castiron.etl.runner]\n" + lines;
    }

    @Test
    void aRunnerWhoseImageCannotBePulledEndsInErrorAfterItsStartTimeoutSayingWhy() {
        var p = h.install("pull", "pull.toml", Harness.pipeline(".csv", runner("""
                image = "registry.invalid/no-such-runner:1"
                start_timeout_seconds = 5
                """)));
        h.drop(p.bucket(), p.key("01_inbox", "unpulled.csv"), CSV);
        h.awaitAllFinal(p.name(), 1);

        EtlFile f = h.files(p.name()).get(0);
        assertThat(phase(f)).isEqualTo(FilePhase.Failed);
        assertThat(f.getStatus().getReason()).isEqualTo("StartTimeout");
        assertThat(f.getStatus().getMessage()).contains("did not start within 5 s").contains("ErrImagePull")
                .contains("registry.invalid/no-such-runner:1");
        String errorKey = p.key("04_failed", f.getStatus().getFileId() + "-unpulled.csv");
        assertThat(f.getStatus().getCurrentKey()).isEqualTo(errorKey);
        assertThat(h.store.exists(p.bucket(), p.key("02_processing", f.getStatus().getFileId() + "-unpulled.csv")))
                .isFalse();
        assertThat(errorLog(p, f)).contains("ErrImagePull");
        assertThat(h.client.batch().v1().jobs().withName(f.getStatus().getJobName()).get()).isNull();
        assertThat(h.client.v1().events().list().getItems()).anySatisfy(e -> {
            assertThat(e.getInvolvedObject().getName()).isEqualTo(f.getMetadata().getName());
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("StartTimeout");
        });
        assertThat(runnersReady(p.name())).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getMessage()).contains("ErrImagePull");
        });
    }

    @Test
    void aMissingSecretOrServiceAccountShowsOnThePipelineAndItsFilesEndInError() {
        var secret = h.install("secret", "secret.toml", Harness.pipeline(".csv", runner("""
                env_from_secrets = ["no-such-secret"]
                start_timeout_seconds = 5
                """)));
        var account = h.install("account", "account.toml", Harness.pipeline(".csv", runner("""
                service_account_name = "no-such-account"
                start_timeout_seconds = 5
                """)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(runnersReady(account.name())).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ServiceAccountMissing");
            assertThat(c.getMessage()).contains("no-such-account");
        }));
        h.drop(secret.bucket(), secret.key("01_inbox", "needs-secret.csv"), CSV);
        h.drop(account.bucket(), account.key("01_inbox", "needs-account.csv"), CSV);
        h.awaitAllFinal(secret.name(), 1);
        h.awaitAllFinal(account.name(), 1);

        EtlFile noSecret = h.files(secret.name()).get(0);
        assertThat(phase(noSecret)).isEqualTo(FilePhase.Failed);
        assertThat(noSecret.getStatus().getMessage()).contains("CreateContainerConfigError").contains("no-such-secret");
        await().atMost(WAIT).untilAsserted(() -> assertThat(runnersReady(secret.name()).getMessage())
                .contains("no-such-secret"));
        EtlFile noAccount = h.files(account.name()).get(0);
        assertThat(phase(noAccount)).isEqualTo(FilePhase.Failed);
        assertThat(noAccount.getStatus().getMessage()).contains("FailedCreate").contains("no-such-account");
    }

    @Test
    void aPipelineNameTooLongForALabelStillHasItsFilesProcessed() {
        var base = h.install("long", "long.toml", Harness.shellPipeline(".csv", "true", ""));
        String name = "a-pipeline-whose-name-is-longer-than-a-kubernetes-label-value-may-be-" + base.folder();
        EtlPipelineSpec spec = copy(h.awaitPipeline(base.name()).getSpec());
        spec.setPrefix(base.folder() + "-long");
        create(name, spec);
        await().atMost(WAIT).until(() -> h.store.exists(base.bucket(), spec.getPrefix() + "/02_processing/.keep"));
        h.drop(base.bucket(), spec.getPrefix() + "/01_inbox/long.csv", CSV);

        h.awaitAllFinal(ResourceNames.labelValue(name), 1);
        EtlFile f = h.files(ResourceNames.labelValue(name)).get(0);
        assertThat(phase(f)).isEqualTo(FilePhase.Succeeded);
        assertThat(f.getSpec().getPipeline()).isEqualTo(name);
    }

    @Test
    void aJobTheApiServerRefusesEndsItsFileInErrorWithTheServersMessage() {
        var base = h.install("refused", "refused.toml", Harness.shellPipeline(".csv", "true", ""));
        EtlPipelineSpec spec = copy(h.awaitPipeline(base.name()).getSpec());
        spec.setPrefix(base.folder() + "-refused");
        var runner = new RunnerSpec();
        // requests above limits: valid for the pipeline's schema, refused by the API server for the Job (422)
        runner.setResources(new ResourceRequirementsBuilder()
                .withRequests(Map.of("memory", new Quantity("2Gi")))
                .withLimits(Map.of("memory", new Quantity("1Gi"))).build());
        spec.setRunner(runner);
        String name = base.name() + "-refused";
        create(name, spec);
        await().atMost(WAIT).until(() -> h.store.exists(base.bucket(), spec.getPrefix() + "/02_processing/.keep"));
        h.drop(base.bucket(), spec.getPrefix() + "/01_inbox/refused.csv", CSV);

        h.awaitAllFinal(name, 1);
        EtlFile f = h.files(name).get(0);
        assertThat(phase(f)).isEqualTo(FilePhase.Failed);
        assertThat(f.getStatus().getReason()).isEqualTo("JobRefused");
        assertThat(f.getStatus().getMessage()).contains("must be less than or equal to memory limit");
        assertThat(f.getStatus().getCurrentKey()).startsWith(spec.getPrefix() + "/04_failed/");
        assertThat(h.store.exists(base.bucket(), f.getStatus().getCurrentKey())).isTrue();
        assertThat(h.rows.findById(UUID.fromString(f.getStatus().getFileId())).orElseThrow().status())
                .isEqualTo(FileStatus.FAILED);
    }

    /**
     * A Job deleted by hand while its runner works: the pod is orphaned and finishes the file, so the operator must
     * not start a second runner meanwhile (before, it queued the file again at once and a second pod processed it
     * beside the first). It waits for the pod to end and takes the file from where the runner left it.
     */
    @Test
    void aJobDeletedByHandNeverLeavesTwoRunnersOnOneFile() throws Exception {
        Path log = Files.createTempFile("runs-", ".log");
        var p = h.install("orphan", "orphan.toml", Harness.shellPipeline(".csv",
                "echo start >> " + log + "; sleep 6; echo end >> " + log, ""));
        h.drop(p.bucket(), p.key("01_inbox", "once.csv"), CSV);
        await().atMost(WAIT).until(() -> Files.readString(log).contains("start"));
        EtlFile running = h.files(p.name()).get(0);
        h.client.batch().v1().jobs().withName(running.getStatus().getJobName())
                .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();

        h.awaitAllFinal(p.name(), 1, Duration.ofMinutes(2));
        assertThat(Files.readAllLines(log)).containsExactly("start", "end");
        EtlFile f = h.files(p.name()).get(0);
        assertThat(phase(f)).isEqualTo(FilePhase.Succeeded);
        assertThat(h.store.exists(p.bucket(), p.key("03_archive", f.getStatus().getFileId() + "-once.csv"))).isTrue();
        assertThat(h.store.exists(p.bucket(), p.key("02_processing", f.getStatus().getFileId() + "-once.csv")))
                .isFalse();
    }

    /**
     * The usual {@code kubectl delete job} (background): the garbage collector deletes the pod after the Job, its
     * runner stops on SIGTERM and leaves the file in processing; only then does a new Job run it.
     */
    @Test
    void aJobDeletedInTheBackgroundIsRerunOnlyAfterItsPodStopped() throws Exception {
        Path log = Files.createTempFile("runs-", ".log");
        var p = h.install("background", "background.toml", Harness.shellPipeline(".csv",
                "echo start >> " + log + "; trap 'sleep 2; echo stopped >> " + log + "; exit 143' TERM;"
                        + " sleep 5 & wait $!; echo end >> " + log, ""));
        h.drop(p.bucket(), p.key("01_inbox", "again.csv"), CSV);
        await().atMost(WAIT).until(() -> Files.readString(log).contains("start"));
        EtlFile running = h.files(p.name()).get(0);
        h.client.batch().v1().jobs().withName(running.getStatus().getJobName())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        h.awaitAllFinal(p.name(), 1, Duration.ofMinutes(2));
        assertThat(Files.readAllLines(log)).containsExactly("start", "stopped", "start", "end");
        assertThat(phase(h.files(p.name()).get(0))).isEqualTo(FilePhase.Succeeded);
    }

    private static Condition runnersReady(String pipeline) {
        EtlPipeline p = h.client.resources(EtlPipeline.class).withName(pipeline).get();
        return p.getStatus().getConditions().stream().filter(c -> "RunnersReady".equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("pipeline " + pipeline + " has no RunnersReady condition"));
    }

    /** The error log beside the file, at the key the pipeline's stage layout gives it. */
    private static String errorLog(Installation.Installed p, EtlFile f) {
        String key = StageLayout.of(h.awaitPipeline(p.name()).getSpec())
                .errorLogKey(f.getStatus().getFileId(), f.getSpec().getOriginalName());
        assertThat(h.store.exists(p.bucket(), key)).as("the error log beside " + f.getSpec().getOriginalName())
                .isTrue();
        return h.store.readText(p.bucket(), key);
    }

    private static EtlPipelineSpec copy(EtlPipelineSpec spec) {
        return Serialization.unmarshal(Serialization.asJson(spec), EtlPipelineSpec.class);
    }

    private static void create(String name, EtlPipelineSpec spec) {
        var pipeline = new EtlPipeline();
        pipeline.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pipeline.setSpec(spec);
        h.client.resource(pipeline).create();
    }
}
