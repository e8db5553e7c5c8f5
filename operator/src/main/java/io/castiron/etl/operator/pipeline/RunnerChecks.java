package io.castiron.etl.operator.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.operator.file.StartProblems;
import io.castiron.etl.operator.job.RunnerDefaults;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether a pipeline's runners can start in its namespace, for its {@code RunnersReady} condition: its
 * ServiceAccount exists (without it the Job controller cannot create a single pod), and no runner of it is held up
 * (an image not pulled, the credentials Secret missing: what the file controller last saw on a late Job's pods).
 * The operator does not read Secrets, so a missing one shows through the pods that wait for it.
 */
@ApplicationScoped
public class RunnerChecks {
    private static final Logger LOG = Logger.getLogger(RunnerChecks.class);
    /** How long a ServiceAccount's presence is trusted before it is asked again (a pipeline reconciles often). */
    private static final Duration RECHECK = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    RunnerDefaults defaults;

    @Inject
    StartProblems startProblems;

    /** A problem's reason (a condition reason) and what to do about it. */
    public record Problem(String reason, String message) {
    }

    private record Seen(boolean exists, Instant at) {
    }

    private final Map<String, Seen> serviceAccounts = new ConcurrentHashMap<>();

    public Optional<Problem> problem(EtlPipeline pipeline) {
        String namespace = pipeline.getMetadata().getNamespace();
        var runner = pipeline.getSpec().getRunner();
        // unnamed, pods run as "default", which Kubernetes creates in every namespace
        Optional<String> named = runner != null && runner.getServiceAccountName() != null
                ? Optional.of(runner.getServiceAccountName()) : defaults.serviceAccountName();
        if (named.isPresent() && !serviceAccountExists(namespace, named.get())) {
            String account = named.get();
            return Optional.of(new Problem("ServiceAccountMissing", "ServiceAccount " + account
                    + " does not exist in namespace " + namespace + ": no runner pod can be created there (install"
                    + " the chart's runner ServiceAccount in this namespace, or set spec.runner.serviceAccountName)"));
        }
        return startProblems.of(EtlPipelineReconciler.pipelineKey(pipeline))
                .map(why -> new Problem("RunnersNotStarting", why));
    }

    private boolean serviceAccountExists(String namespace, String name) {
        String key = namespace + "/" + name;
        Seen seen = serviceAccounts.get(key);
        if (seen != null && seen.at().plus(RECHECK).isAfter(Instant.now())) {
            return seen.exists();
        }
        boolean exists;
        try {
            exists = client.serviceAccounts().inNamespace(namespace).withName(name).get() != null;
        } catch (KubernetesClientException e) {
            // not allowed or not answered: say nothing rather than something wrong
            LOG.debugf("cannot read ServiceAccount %s: %s", key, e.getMessage());
            exists = true;
        }
        serviceAccounts.put(key, new Seen(exists, Instant.now()));
        return exists;
    }
}
