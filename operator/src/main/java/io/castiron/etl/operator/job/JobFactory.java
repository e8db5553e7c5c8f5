package io.castiron.etl.operator.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

/**
 * Builds the Job that processes one file (name = EtlFile name, owner = EtlFile) or a batch of files (name = the
 * first file's, owners = every file of the batch, the first one the controller; their names in an annotation), the
 * runner contract in env.
 */
public final class JobFactory {
    public static final String CONTAINER = "runner";

    private final RunnerDefaults defaults;
    private final Settings settings;

    public JobFactory(RunnerDefaults defaults, Settings settings) {
        this.defaults = defaults;
        this.settings = settings;
    }

    /**
     * Plain constructors and setters, not Fabric8's fluent builders: each nested builder copies everything below it
     * again when it closes, which made building one Job a sizeable share of the operator's CPU per file.
     */
    public Job build(EtlFile file, EtlPipeline pipeline, JobContract contract) {
        return build(List.of(file), pipeline, contract);
    }

    /** A Job for {@code files}, in that order; {@code contract} names the same files in the same order. */
    public Job build(List<EtlFile> files, EtlPipeline pipeline, JobContract contract) {
        EtlFile file = files.get(0);
        String name = file.getMetadata().getName();
        Map<String, String> labels = Labels.forFile(pipeline.getMetadata().getName(), name);
        RunnerSpec runner = pipeline.getSpec().getRunner() == null ? new RunnerSpec() : pipeline.getSpec().getRunner();

        var container = new Container();
        container.setName(CONTAINER);
        container.setImage(runner.getImage() != null ? runner.getImage() : defaults.image());
        container.setImagePullPolicy(runner.getImagePullPolicy() != null
                ? runner.getImagePullPolicy() : defaults.imagePullPolicy().orElse(null));
        container.setEnv(env(contract, runner));
        container.setEnvFrom(runner.getEnvFrom());
        container.setResources(runner.getResources() != null
                ? runner.getResources() : defaults.resources().orElse(null));
        container.setSecurityContext(runner.getSecurityContext() != null
                ? runner.getSecurityContext() : hardenedContainer());
        var tmpMount = new VolumeMount();
        tmpMount.setName("tmp");
        tmpMount.setMountPath("/tmp");
        container.setVolumeMounts(List.of(tmpMount));

        var pod = new PodSpec();
        pod.setRestartPolicy("Never");
        pod.setServiceAccountName(runner.getServiceAccountName() != null
                ? runner.getServiceAccountName() : defaults.serviceAccountName().orElse(null));
        pod.setNodeSelector(runner.getNodeSelector().isEmpty() ? null : runner.getNodeSelector());
        pod.setTolerations(runner.getTolerations());
        pod.setSecurityContext(runner.getPodSecurityContext() != null ? runner.getPodSecurityContext() : hardenedPod());
        pod.setContainers(List.of(container));
        var tmp = new Volume();
        tmp.setName("tmp");
        tmp.setEmptyDir(new EmptyDirVolumeSource(null, defaults.tmpSizeLimit().orElse(null)));
        pod.setVolumes(List.of(tmp));

        var template = new PodTemplateSpec();
        template.setMetadata(new ObjectMeta());
        template.getMetadata().setLabels(labels);
        template.setSpec(pod);

        var spec = new JobSpec();
        spec.setBackoffLimit(runner.getBackoffLimit() != null ? runner.getBackoffLimit() : defaults.backoffLimit());
        spec.setActiveDeadlineSeconds(runner.getActiveDeadlineSeconds() != null
                ? runner.getActiveDeadlineSeconds() : defaults.activeDeadlineSeconds().orElse(null));
        spec.setPodFailurePolicy(new PodFailurePolicy(failurePolicyRules()));
        spec.setTemplate(template);

        // The garbage collector deletes a batch's Job once the last of its files is deleted.
        var owners = new ArrayList<OwnerReference>(files.size());
        for (EtlFile f : files) {
            var owner = new OwnerReference();
            owner.setApiVersion(f.getApiVersion());
            owner.setKind(f.getKind());
            owner.setName(f.getMetadata().getName());
            owner.setUid(f.getMetadata().getUid());
            owner.setController(owners.isEmpty());
            owner.setBlockOwnerDeletion(true);
            owners.add(owner);
        }
        var metadata = new ObjectMeta();
        metadata.setName(name);
        metadata.setNamespace(file.getMetadata().getNamespace());
        metadata.setLabels(labels);
        var annotations = new LinkedHashMap<String, String>();
        annotations.put(Labels.PIPELINE_NAME, pipeline.getMetadata().getName());
        if (files.size() > 1) {
            annotations.put(Labels.BATCH_FILES,
                    String.join(",", files.stream().map(f -> f.getMetadata().getName()).toList()));
        }
        metadata.setAnnotations(annotations);
        metadata.setOwnerReferences(owners);

        var job = new Job();
        job.setMetadata(metadata);
        job.setSpec(spec);
        return job;
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
        env.add(plain(Settings.KAFKA_PROCESSING_STATUS, Boolean.toString(settings.kafkaProcessingStatus())));
        env.add(plain("TMPDIR", "/tmp"));
        env.addAll(runner.getEnv());
        return env;
    }

    private static EnvVar plain(String name, String value) {
        return new EnvVar(name, value, null);
    }

    private EnvVar secret(String name, String key) {
        var source = new EnvVarSource();
        source.setSecretKeyRef(new SecretKeySelector(key, defaults.credentialsSecret(), false));
        return new EnvVar(name, null, source);
    }
}
