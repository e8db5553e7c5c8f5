package io.castiron.etl.operator.configbucket;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.config.Settings;
import io.castiron.etl.operator.EventRecorder;
import io.castiron.etl.operator.config.Leadership;
import io.castiron.etl.operator.config.OperatorConfig;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectSummary;
import io.castiron.etl.toml.PipelineConfig;
import io.castiron.etl.toml.PipelineToml;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The original tool's way in: a TOML file anywhere in the config bucket is a pipeline, except inside the stage
 * folders of its pipelines (files to process live there). Every few seconds (on the leader) the bucket is listed; a new or changed TOML becomes an EtlPipeline in the operator's namespace, with
 * stage folders relative to the file's folder; a deleted TOML deletes its EtlPipeline. A TOML that cannot be used
 * gives a Warning Event and a log line naming the object key, the line and the key, and changes nothing.
 */
@ApplicationScoped
public class ConfigBucketSync {
    private static final Logger LOG = Logger.getLogger(ConfigBucketSync.class);
    public static final String SOURCE_LABEL = EtlPipeline.GROUP + "/source";
    public static final String SOURCE_CONFIG_BUCKET = "config-bucket";
    public static final String KEY_ANNOTATION = EtlPipeline.GROUP + "/config-key";
    public static final String ETAG_ANNOTATION = EtlPipeline.GROUP + "/config-etag";

    @Inject
    ObjectStore store;

    /**
     * The {@code handler} of a pipeline's {@code job_created} messages: the leaf name of the TOML file it came from
     * ({@code example_config.toml}), as the original sent; a pipeline made as a resource gives its name.
     */
    public static String handlerName(EtlPipeline pipeline) {
        var annotations = pipeline.getMetadata().getAnnotations();
        String key = annotations == null ? null : annotations.get(KEY_ANNOTATION);
        return key == null ? pipeline.getMetadata().getName() : key.substring(key.lastIndexOf('/') + 1);
    }

    @Inject
    KubernetesClient client;

    @Inject
    Settings settings;

    @Inject
    Leadership leadership;

    @Inject
    EventRecorder events;

    @Inject
    OperatorConfig config;

    /** key -> etag of TOML files already reported as invalid, so a bad file is reported once, not every poll. */
    private final Map<String, String> rejected = new HashMap<>();
    private ScheduledExecutorService timer;

    void start(@Observes StartupEvent event) {
        if (!config.configBucket().enabled()) {
            LOG.info("config bucket sync is off (etl.config-bucket.enabled=false)");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "config-bucket-sync"));
        timer.scheduleWithFixedDelay(this::syncSafely, 0, config.configBucket().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void syncSafely() {
        try {
            if (leadership.isLeader()) {
                sync();
            }
        } catch (RuntimeException e) {
            LOG.warnf("config bucket %s: sync failed, will retry: %s", settings.configBucket(), e.getMessage());
        }
    }

    /** One pass over the config bucket. */
    public synchronized void sync() {
        String bucket = settings.configBucket();
        String namespace = client.getNamespace();
        store.ensureBucket(bucket);
        List<EtlPipeline> pipelines = client.resources(EtlPipeline.class).inNamespace(namespace).list().getItems();
        Set<String> stageFolders = stageFolders(bucket, pipelines);
        Map<String, ObjectSummary> tomls = store.listRecursive(bucket, "", stageFolders::contains).stream()
                .filter(o -> o.key().endsWith(".toml"))
                .collect(Collectors.toMap(ObjectSummary::key, o -> o));
        Map<String, EtlPipeline> existing = pipelines.stream()
                .filter(p -> SOURCE_CONFIG_BUCKET.equals(p.getMetadata().getLabels() == null ? null
                        : p.getMetadata().getLabels().get(SOURCE_LABEL)))
                .collect(Collectors.toMap(p -> p.getMetadata().getAnnotations().getOrDefault(KEY_ANNOTATION, ""),
                        p -> p, (a, b) -> a));
        for (ObjectSummary toml : tomls.values()) {
            EtlPipeline current = existing.get(toml.key());
            boolean unchanged = current != null
                    && toml.etag().equals(current.getMetadata().getAnnotations().get(ETAG_ANNOTATION));
            if (!unchanged && !toml.etag().equals(rejected.get(toml.key()))) {
                apply(bucket, namespace, toml, current);
            }
        }
        Set<String> gone = existing.keySet().stream().filter(k -> !tomls.containsKey(k)).collect(Collectors.toSet());
        for (String key : gone) {
            EtlPipeline p = existing.get(key);
            client.resource(p).delete();
            LOG.infof("config bucket %s: %s was deleted; deleted EtlPipeline %s/%s", bucket, key, namespace,
                    p.getMetadata().getName());
        }
        rejected.keySet().retainAll(tomls.keySet());
    }

    /**
     * The stage folders ({@code .../01_inbox/} etc.) of the pipelines using this bucket: files, not configs, live
     * there, and they grow with every file processed, so the listing does not descend into them.
     */
    private static Set<String> stageFolders(String bucket, List<EtlPipeline> pipelines) {
        Set<String> folders = new HashSet<>();
        for (EtlPipeline pipeline : pipelines) {
            if (pipeline.getSpec() == null || !bucket.equals(pipeline.getSpec().getBucket())) {
                continue;
            }
            try {
                folders.addAll(StageLayout.of(pipeline.getSpec()).dirs());
            } catch (IllegalArgumentException invalid) {
                // an invalid pipeline has no stage folders to skip
            }
        }
        // Never hide the TOML of an existing pipeline, even one kept inside another pipeline's stage folder.
        for (EtlPipeline pipeline : pipelines) {
            String key = pipeline.getMetadata().getAnnotations() == null ? null
                    : pipeline.getMetadata().getAnnotations().get(KEY_ANNOTATION);
            if (key != null) {
                folders.removeIf(key::startsWith);
            }
        }
        return folders;
    }

    private void apply(String bucket, String namespace, ObjectSummary toml, EtlPipeline current) {
        String name = ResourceNames.pipelineNameFor(toml.key());
        String source = "s3://" + bucket + "/" + toml.key();
        PipelineConfig config;
        try {
            config = PipelineToml.decode(store.readText(bucket, toml.key()), source);
        } catch (IllegalArgumentException invalid) {
            rejected.put(toml.key(), toml.etag());
            LOG.warnf("config bucket %s: %s is not a usable pipeline: %s", bucket, toml.key(), invalid.getMessage());
            EtlPipeline about = current;
            if (about == null) {
                about = new EtlPipeline();
                about.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
            }
            events.warning(about, "InvalidConfig", invalid.getMessage());
            return;
        }
        config.warnings().forEach(w -> LOG.warnf("config bucket %s: %s: %s", bucket, toml.key(), w));
        config.spec().setBucket(bucket);
        int slash = toml.key().lastIndexOf('/');
        config.spec().setPrefix(slash < 0 ? "" : toml.key().substring(0, slash));
        EtlPipeline resource = config.toResource(name, namespace);
        var annotations = new HashMap<String, String>();
        if (resource.getMetadata().getAnnotations() != null) {
            annotations.putAll(resource.getMetadata().getAnnotations());
        }
        annotations.put(KEY_ANNOTATION, toml.key());
        annotations.put(ETAG_ANNOTATION, toml.etag());
        resource.getMetadata().setAnnotations(annotations);
        resource.getMetadata().setLabels(Map.of(SOURCE_LABEL, SOURCE_CONFIG_BUCKET));
        client.resource(resource).createOr(NonDeletingOperation::update);
        rejected.remove(toml.key());
        LOG.infof("config bucket %s: %s %s EtlPipeline %s/%s", bucket, toml.key(),
                current == null ? "created" : "updated", namespace, name);
    }
}
