package io.castiron.etl.operator.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.config.Durations;
import io.castiron.etl.matching.FileMatcher;
import io.castiron.etl.operator.ApiWorkers;
import io.castiron.etl.operator.Labels;
import io.castiron.etl.operator.Metrics;
import io.castiron.etl.operator.Times;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectSummary;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Lists a pipeline's inbox every {@code pollInterval} and claims each matching object by creating its EtlFile.
 * Kubernetes' create is the claim: AlreadyExists means another scan (or pipeline) has the file. Pipelines that
 * share an inbox are checked in alphabetical order of their names; the first whose glob matches owns the file.
 * The listing only sees files that are not yet staged, and each listed object is looked up by its claim name in the
 * informer's index, so a steady-state scan costs O(new objects), however many files the pipeline retains. New files
 * are claimed several at a time, so a full inbox does not wait on one API round trip per file.
 */
@ApplicationScoped
public class InboxScanner {
    private static final Logger LOG = Logger.getLogger(InboxScanner.class);

    @Inject
    ObjectStore store;

    @Inject
    KubernetesClient client;

    @Inject
    Metrics metrics;

    @Inject
    ApiWorkers workers;

    @Inject
    PipelineIndex index;

    private final Map<String, Instant> lastScan = new ConcurrentHashMap<>();

    public record ScanResult(boolean scanned, int claimed, Instant at) {
    }

    /** @param neighbours every pipeline of the namespace, to decide who owns a file several would match */
    public ScanResult scanIfDue(EtlPipeline pipeline, StageLayout layout, Collection<EtlPipeline> neighbours) {
        String id = EtlPipelineReconciler.pipelineKey(pipeline);
        Duration interval = Durations.parse("pollInterval", pipeline.getSpec().getPollInterval());
        Instant now = Instant.now();
        Instant previous = lastScan.get(id);
        if (previous != null && previous.plus(interval).isAfter(now)) {
            return new ScanResult(false, 0, previous);
        }
        lastScan.put(id, now);
        return new ScanResult(true, scan(pipeline, layout, earlierPipelines(pipeline, layout, neighbours)), now);
    }

    /** Time until the next scan is due. */
    public Duration untilNextScan(EtlPipeline pipeline) {
        Duration interval = Durations.parse("pollInterval", pipeline.getSpec().getPollInterval());
        Instant previous = lastScan.get(EtlPipelineReconciler.pipelineKey(pipeline));
        if (previous == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(Instant.now(), previous.plus(interval));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private int scan(EtlPipeline pipeline, StageLayout layout, List<Owner> earlier) {
        FileMatcher matcher = FileMatcher.compile(pipeline.getSpec().getHandledFileGlob());
        String namespace = pipeline.getMetadata().getNamespace();
        List<Callable<Boolean>> claims = new ArrayList<>();
        for (ObjectSummary object : store.list(layout.bucket(), layout.inboxDir())) {
            Optional<String> name = layout.inboxFileName(object.key());
            if (name.isEmpty() || !matcher.matchesName(name.get()) || ownedByEarlier(earlier, object.key())) {
                continue;
            }
            String lastModified = Times.format(object.lastModified());
            String claimName = ClaimName.of(layout.bucket(), object.key(), object.etag(), lastModified, name.get());
            // claimed already, as far as the informer has shown (a claim it has not shown yet gets AlreadyExists)
            if (index.file(namespace, claimName).isEmpty()) {
                claims.add(() -> claim(pipeline, layout, object, name.get(), claimName, lastModified));
            }
        }
        return (int) workers.runAll(claims).stream().filter(Boolean::booleanValue).count();
    }

    private boolean claim(EtlPipeline pipeline, StageLayout layout, ObjectSummary object, String name,
            String claimName, String lastModified) {
        String namespace = pipeline.getMetadata().getNamespace();
        var file = new EtlFile();
        file.setMetadata(new ObjectMetaBuilder()
                .withName(claimName)
                .withNamespace(namespace)
                .withLabels(Labels.ofPipeline(pipeline.getMetadata().getName()))
                .build());
        var spec = file.getSpec();
        spec.setPipeline(pipeline.getMetadata().getName());
        spec.setBucket(layout.bucket());
        spec.setInboxKey(object.key());
        spec.setOriginalName(name);
        spec.setSize(object.size());
        spec.setEtag(object.etag());
        spec.setLastModified(lastModified);
        try {
            client.resource(file).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.debugf("pipeline %s/%s: %s is already claimed as %s", namespace, pipeline.getMetadata().getName(),
                        object.key(), claimName);
                return false;
            }
            throw e;
        }
        LOG.infof("pipeline %s/%s: claimed s3://%s/%s as EtlFile %s", namespace, pipeline.getMetadata().getName(),
                layout.bucket(), object.key(), claimName);
        metrics.claimed(namespace, pipeline.getMetadata().getName());
        return true;
    }

    private record Owner(StageLayout layout, FileMatcher matcher) {
    }

    /** Enabled, valid pipelines before this one (by name) that watch the same inbox folder of the same bucket. */
    private static List<Owner> earlierPipelines(EtlPipeline pipeline, StageLayout layout,
            Collection<EtlPipeline> neighbours) {
        String name = pipeline.getMetadata().getName();
        return neighbours.stream()
                .filter(other -> other.getMetadata().getName().compareTo(name) < 0)
                .filter(other -> !Boolean.FALSE.equals(other.getSpec().getEnabled()))
                .flatMap(other -> {
                    try {
                        StageLayout otherLayout = StageLayout.of(other.getSpec());
                        if (!otherLayout.bucket().equals(layout.bucket())
                                || !otherLayout.inboxDir().equals(layout.inboxDir())) {
                            return java.util.stream.Stream.empty();
                        }
                        return java.util.stream.Stream.of(new Owner(otherLayout,
                                FileMatcher.compile(other.getSpec().getHandledFileGlob())));
                    } catch (IllegalArgumentException invalid) {
                        return java.util.stream.Stream.empty();
                    }
                })
                .toList();
    }

    private static boolean ownedByEarlier(List<Owner> earlier, String key) {
        for (Owner owner : earlier) {
            Optional<String> name = owner.layout().inboxFileName(key);
            if (name.isPresent() && owner.matcher().matchesName(name.get())) {
                return true;
            }
        }
        return false;
    }
}
