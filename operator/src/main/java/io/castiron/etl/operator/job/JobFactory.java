package io.castiron.etl.operator.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.CredentialsSecret;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.operator.Labels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

/** Builds the Job that processes one file: name = EtlFile name, owner = EtlFile, the runner contract in env. */
public final class JobFactory {
    public static final String CONTAINER = "runner";

    private final RunnerDefaults defaults;
    private final Settings settings;

    public JobFactory(RunnerDefaults defaults, Settings settings) {
        this.defaults = defaults;
        this.settings = settings;
    }

    public Job build(EtlFile file, EtlPipeline pipeline, JobContract contract) {
        String name = file.getMetadata().getName();
        Map<String, String> labels = Labels.forFile(pipeline.getMetadata().getName(), name);
        RunnerSpec runner = pipeline.getSpec().getRunner() == null ? new RunnerSpec() : pipeline.getSpec().getRunner();

        return new JobBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(file.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(file.getApiVersion())
                            .withKind(file.getKind())
                            .withName(name)
                            .withUid(file.getMetadata().getUid())
                            .withController(true)
                            .withBlockOwnerDeletion(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(runner.getBackoffLimit() != null ? runner.getBackoffLimit() : defaults.backoffLimit())
                    .withActiveDeadlineSeconds(runner.getActiveDeadlineSeconds() != null
                            ? runner.getActiveDeadlineSeconds() : defaults.activeDeadlineSeconds().orElse(null))
                    .withNewPodFailurePolicy()
                        .withRules(failurePolicyRules())
                    .endPodFailurePolicy()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(runner.getServiceAccountName() != null
                                    ? runner.getServiceAccountName() : defaults.serviceAccountName().orElse(null))
                            .withNodeSelector(runner.getNodeSelector().isEmpty() ? null : runner.getNodeSelector())
                            .withTolerations(runner.getTolerations())
                            .withSecurityContext(runner.getPodSecurityContext() != null
                                    ? runner.getPodSecurityContext() : hardenedPod())
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(runner.getImage() != null ? runner.getImage() : defaults.image())
                                .withImagePullPolicy(runner.getImagePullPolicy() != null
                                        ? runner.getImagePullPolicy() : defaults.imagePullPolicy().orElse(null))
                                .withEnv(env(contract, runner))
                                .withEnvFrom(runner.getEnvFrom())
                                .withResources(runner.getResources())
                                .withSecurityContext(runner.getSecurityContext() != null
                                        ? runner.getSecurityContext() : hardenedContainer())
                                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The default pod security: non-root, seccomp RuntimeDefault. A pipeline's runner.podSecurityContext replaces it. */
    private static PodSecurityContext hardenedPod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** The default container security; a pipeline's runner.securityContext replaces it. */
    private static SecurityContext hardenedContainer() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    /** Exit code 3 fails the Job at once (the runner already moved the file to error); disruptions don't count. */
    private static List<PodFailurePolicyRule> failurePolicyRules() {
        return List.of(
                new PodFailurePolicyRuleBuilder()
                        .withAction("FailJob")
                        .withNewOnExitCodes()
                            .withContainerName(CONTAINER)
                            .withOperator("In")
                            .withValues(RunnerExitCodes.PROCESSOR_FAILED)
                        .endOnExitCodes()
                        .build(),
                new PodFailurePolicyRuleBuilder()
                        .withAction("Ignore")
                        .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                        .build());
    }

    /** Contract, then connection settings (credentials only by secretKeyRef), then the pipeline's own env. */
    private List<EnvVar> env(JobContract contract, RunnerSpec runner) {
        var env = new ArrayList<EnvVar>();
        contract.toEnv().forEach((k, v) -> env.add(plain(k, v)));
        env.add(plain(Settings.S3_ENDPOINT, settings.s3Endpoint()));
        env.add(plain(Settings.S3_REGION, settings.s3Region()));
        env.add(secret(Settings.S3_ACCESS_KEY, CredentialsSecret.S3_ACCESS_KEY));
        env.add(secret(Settings.S3_SECRET_KEY, CredentialsSecret.S3_SECRET_KEY));
        env.add(plain(Settings.POSTGRES_URL, settings.postgresUrl()));
        env.add(secret(Settings.POSTGRES_USER, CredentialsSecret.POSTGRES_USER));
        env.add(secret(Settings.POSTGRES_PASSWORD, CredentialsSecret.POSTGRES_PASSWORD));
        env.add(plain(Settings.KAFKA_BOOTSTRAP_SERVERS, settings.kafkaBootstrapServers()));
        env.add(plain(Settings.KAFKA_TOPIC, settings.kafkaTopic()));
        env.add(plain("TMPDIR", "/tmp"));
        env.addAll(runner.getEnv());
        return env;
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private EnvVar secret(String name, String key) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef(key, defaults.credentialsSecret(), false).endValueFrom()
                .build();
    }
}
