package io.castiron.etl.runner;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.runner.progress.ProgressState;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Writes progress to the EtlFile's status subresource as a JSON merge patch of {@code progress}, {@code task}
 * and {@code committed} only, leaving the fields the operator owns alone. The patch is the only request: the
 * runner's Role grants {@code patch} on {@code etlfiles/status} and nothing else, not even {@code get}. Best
 * effort: a failed patch is logged (one WARN per run) and never fails the file. The run's one client is made on
 * its first patch, on the thread that patches, so a run that patches nothing never pays its start-up.
 */
final class EtlFileStatusPatcher {
    private static final Logger LOG = LoggerFactory.getLogger(EtlFileStatusPatcher.class);
    /** Set in every pod by Kubernetes: the runner patches status only when it runs in a cluster. */
    static final String IN_CLUSTER_VARIABLE = "KUBERNETES_SERVICE_HOST";

    private final Supplier<KubernetesClient> clientFactory;
    private final String namespace;
    private final String name;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Made with the client, on the first patch: a run that reports no progress never makes a mapper. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    EtlFileStatusPatcher(Supplier<KubernetesClient> clientFactory, String namespace, String name) {
        this.clientFactory = clientFactory;
        this.namespace = namespace;
        this.name = name;
    }

    /**
     * The run's one client, from the pod's service account, made when first asked (every patcher of the run, one per
     * file of a batch and step, shares it and its connection); null outside a cluster (e.g. a runner started by
     * hand).
     */
    static Supplier<KubernetesClient> inClusterClient(Map<String, String> environment) {
        String host = environment.get(IN_CLUSTER_VARIABLE);
        if (host == null || host.isBlank()) {
            LOG.info("not in a Kubernetes cluster ({} is not set): EtlFile status is not updated", IN_CLUSTER_VARIABLE);
            return null;
        }
        return new OneClient();
    }

    /** Makes the client on the first call and returns that one ever after. */
    private static final class OneClient implements Supplier<KubernetesClient> {
        private KubernetesClient client;

        @Override
        public synchronized KubernetesClient get() {
            if (client == null) {
                client = new KubernetesClientBuilder().build();
            }
            return client;
        }
    }

    /**
     * The file by namespace and name alone: Fabric8 sends the patch of a resource it is given at once, but reads
     * one named with {@code withName} first (a GET the Role does not allow).
     */
    private EtlFile target() {
        var file = new EtlFile();
        file.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return file;
    }

    /**
     * Tells the operator that a batch's runner is done with this file ({@code status.runnerOutcome}), so its
     * outcome is recorded before the batch ends.
     */
    void finished(String outcome) {
        send(Map.of("runnerOutcome", outcome));
    }

    void patch(ProgressState state) {
        var status = new LinkedHashMap<String, Object>();
        if (state.progress() != null) {
            status.put("progress", state.progress());
        }
        if (state.task() != null) {
            status.put("task", state.task());
        }
        if (state.committed() != null) {
            status.put("committed", state.committed());
        }
        if (!status.isEmpty()) {
            send(status);
        }
    }

    private void send(Map<String, Object> status) {
        try {
            String patch = Json.MAPPER.writeValueAsString(Map.of("status", status));
            clientFactory.get().resource(target()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (JsonProcessingException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot patch the status of EtlFile {}/{} with progress (further failures at DEBUG): {}",
                        namespace, name, e.getMessage());
            } else {
                LOG.debug("cannot patch the status of EtlFile {}/{}: {}", namespace, name, e.getMessage());
            }
        }
    }
}
