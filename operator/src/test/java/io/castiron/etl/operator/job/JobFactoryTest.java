package io.castiron.etl.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.operator.Jobs;
import io.castiron.etl.operator.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

class JobFactoryTest {
    private static final RunnerDefaults DEFAULTS = new RunnerDefaults("runner:1", Optional.empty(),
            Optional.of("etl-runner"), 3, Optional.empty(), "etl-creds",
            Optional.of(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build()),
            Optional.of(new Quantity("4Gi")));
    private static final Settings SETTINGS = Settings.from(Map.of(Settings.S3_ENDPOINT, "http://minio:9000",
            Settings.S3_ACCESS_KEY, "AKIA-PLAIN-SHOULD-NOT-APPEAR", Settings.S3_SECRET_KEY, "s3cr3t-value",
            Settings.POSTGRES_PASSWORD, "pg-pass-value", Settings.KAFKA_BOOTSTRAP_SERVERS, "kafka:9092"));

    private static EtlPipeline pipeline(RunnerSpec runner) {
        var p = new EtlPipeline();
        p.setMetadata(new ObjectMetaBuilder().withName("csv").withNamespace("etl").build());
        p.getSpec().setHandledFileGlob(".csv");
        p.getSpec().setStages(new Stages("in", "proc", "arch", "err", "cancel"));
        p.getSpec().setProcessor(Processor.shell("cat \"$ETL_FILENAME\""));
        p.getSpec().setRunner(runner);
        return p;
    }

    private static EtlFile file() {
        var f = new EtlFile();
        f.setMetadata(new ObjectMetaBuilder().withName("data-csv-0123456789abcdef").withNamespace("etl")
                .withUid("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11").build());
        f.getSpec().setPipeline("csv");
        return f;
    }

    private static Job build(RunnerSpec runner) {
        var p = pipeline(runner);
        var f = file();
        var contract = JobContract.of(f.getMetadata().getUid(), f.getMetadata().getName(), "etl", "csv", p.getSpec(),
                "proc/x-data.csv", "data.csv");
        return new JobFactory(DEFAULTS, SETTINGS).build(f, p, contract);
    }

    private static Map<String, EnvVar> env(Job job) {
        var map = new java.util.LinkedHashMap<String, EnvVar>();
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> map.put(e.getName(), e));
        return map;
    }

    @Test
    void jobIsNamedAndOwnedByItsFileAndLabelledForPipelineAndFile() {
        Job job = build(null);
        assertThat(job.getMetadata().getName()).isEqualTo("data-csv-0123456789abcdef");
        var owner = job.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("EtlFile");
        assertThat(owner.getApiVersion()).isEqualTo("etl.castiron.io/v1alpha1");
        assertThat(owner.getUid()).isEqualTo("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11");
        assertThat(owner.getController()).isTrue();
        assertThat(job.getMetadata().getLabels()).containsEntry(Labels.PIPELINE, "csv")
                .containsEntry(Labels.FILE, "data-csv-0123456789abcdef")
                .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(Labels.PIPELINE, "csv");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void aBatchJobIsNamedAfterItsFirstFileOwnedByEachAndNamesThemInOrder() {
        var p = pipeline(null);
        var first = file();
        var second = file();
        second.getMetadata().setName("more-csv-fedcba9876543210");
        second.getMetadata().setUid("8e2a7d2f-6b0d-4b64-8e2a-2a2a4d2a1b22");
        var contract = JobContract.of(first.getMetadata().getUid(), first.getMetadata().getName(), "etl", "csv",
                p.getSpec(), "proc/x-data.csv", "data.csv").withMoreFiles(List.of(new JobContract.BatchFile(
                        second.getMetadata().getUid(), second.getMetadata().getName(), "proc/y-more.csv", "more.csv")));
        Job job = new JobFactory(DEFAULTS, SETTINGS).build(List.of(first, second), p, contract);

        assertThat(job.getMetadata().getName()).isEqualTo("data-csv-0123456789abcdef");
        assertThat(job.getMetadata().getOwnerReferences()).extracting(o -> o.getUid() + " " + o.getController())
                .containsExactly("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11 true", "8e2a7d2f-6b0d-4b64-8e2a-2a2a4d2a1b22 false");
        assertThat(job.getMetadata().getAnnotations()).containsEntry(Labels.BATCH_FILES,
                "data-csv-0123456789abcdef,more-csv-fedcba9876543210");
        assertThat(Jobs.files(job)).containsExactly("data-csv-0123456789abcdef", "more-csv-fedcba9876543210");
        assertThat(Jobs.isBatch(job)).isTrue();
        assertThat(env(job).get(JobContract.BATCH_JSON).getValue()).contains("proc/y-more.csv");
        Job single = build(null);
        assertThat(Jobs.isBatch(single)).isFalse();
        assertThat(Jobs.files(single)).containsExactly("data-csv-0123456789abcdef");
        assertThat(env(single)).doesNotContainKey(JobContract.BATCH_JSON);
    }

    @Test
    void exitCodeThreeFailsTheJobAtOnceAndDisruptionsAreIgnored() {
        var rules = build(null).getSpec().getPodFailurePolicy().getRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
        assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(3);
        assertThat(rules.get(0).getOnExitCodes().getOperator()).isEqualTo("In");
        assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo(JobFactory.CONTAINER);
        assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(1).getOnPodConditions().get(0).getType()).isEqualTo("DisruptionTarget");
    }

    @Test
    void runnerGetsTheWholeContractAndCredentialsOnlyBySecretRef() {
        Job job = build(null);
        var env = env(job);
        assertThat(env.get("ETL_FILE_ID").getValue()).isEqualTo("7d1f6c1e-5a9c-4a53-9d0c-1f1f3c1f0a11");
        assertThat(env.get("ETL_PROCESSING_KEY").getValue()).isEqualTo("proc/x-data.csv");
        assertThat(env.get("ETL_ORIGINAL_NAME").getValue()).isEqualTo("data.csv");
        assertThat(env.get("ETL_PROCESSOR_JSON").getValue()).contains("ETL_FILENAME");
        assertThat(env.get("ETL_S3_ENDPOINT").getValue()).isEqualTo("http://minio:9000");
        assertThat(env.get("ETL_KAFKA_BOOTSTRAP_SERVERS").getValue()).isEqualTo("kafka:9092");
        assertThat(env.get(Settings.KAFKA_PROCESSING_STATUS).getValue()).as("off unless set").isEqualTo("false");
        for (String secret : List.of("ETL_S3_ACCESS_KEY", "ETL_S3_SECRET_KEY", "ETL_POSTGRES_PASSWORD")) {
            assertThat(env.get(secret).getValue()).as(secret).isNull();
            assertThat(env.get(secret).getValueFrom().getSecretKeyRef().getName()).isEqualTo("etl-creds");
        }
        String wholeJob = io.fabric8.kubernetes.client.utils.Serialization.asYaml(job);
        assertThat(wholeJob).doesNotContain("AKIA-PLAIN-SHOULD-NOT-APPEAR", "s3cr3t-value", "pg-pass-value");
    }

    @Test
    void pipelineRunnerSettingsWinOverDefaults() {
        var runner = new RunnerSpec();
        runner.setImage("my/processors:2");
        runner.setBackoffLimit(0);
        runner.setActiveDeadlineSeconds(600L);
        runner.setServiceAccountName("special");
        runner.setNodeSelector(Map.of("pool", "etl"));
        runner.setTolerations(List.of(new TolerationBuilder().withKey("etl").withOperator("Exists").build()));
        runner.setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("2Gi")).build());
        runner.setEnv(List.of(new EnvVarBuilder().withName("GREETING").withValue("hi").build()));
        Job job = build(runner);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("my/processors:2");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(pod.getServiceAccountName()).isEqualTo("special");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "etl");
        assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("etl");
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
        assertThat(env(job).get("GREETING").getValue()).isEqualTo("hi");

        Job defaulted = build(null);
        assertThat(defaulted.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("runner:1");
        assertThat(defaulted.getSpec().getBackoffLimit()).isEqualTo(3);
        assertThat(defaulted.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("etl-runner");
    }

    @Test
    void runnerGetsTheDefaultResourcesAndASizeLimitOnTmp() {
        var pod = build(null).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("1Gi"));
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("tmp");
            assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("4Gi"));
        });
    }

    @Test
    void podIsHardenedByDefault() {
        var pod = build(null).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var sc = pod.getContainers().get(0).getSecurityContext();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void aPipelineCanReplaceTheDefaultSecurityContexts() {
        var runner = new RunnerSpec();
        runner.setPodSecurityContext(new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withRunAsUser(0L).withRunAsNonRoot(false).build());
        runner.setSecurityContext(new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
                .withReadOnlyRootFilesystem(false).build());
        var pod = build(runner).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isZero();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isFalse();
        assertThat(pod.getContainers().get(0).getSecurityContext().getCapabilities()).isNull();
    }
}
