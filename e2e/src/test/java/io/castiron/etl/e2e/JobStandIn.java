package io.castiron.etl.e2e;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.castiron.etl.contract.RunnerExitCodes;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Stands in for the cluster's Job controller, kubelet and garbage collector, and nothing else. For each Job the operator creates it
 * runs the runner (in this JVM or as its own process, see {@link Pods}) with exactly the
 * Job container's environment, resolving {@code secretKeyRef}s from the Secrets in the mock API; then it writes
 * the Job status the Job controller would: Complete on exit 0; Failed with reason {@code PodFailurePolicy} on exit
 * 3 (the pod failure policy's FailJob rule); on other codes a retry, until {@code backoffLimit} is exceeded
 * ({@code BackoffLimitExceeded}). A deleted Job's runner is stopped as a SIGTERM would stop it, and only then
 * is the Job let go (the mock API keeps a Job deleted in the foreground until then, see {@link MockCluster}).
 */
final class JobStandIn implements AutoCloseable {
    private final KubernetesClient client;
    private final Supplier<Pods.Pod> containers;
    private final Map<String, String> podEnvironment;
    private final ExecutorService pods;
    private final Map<String, Pods.Pod> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> deleted = new ConcurrentHashMap<>();
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final java.util.List<String> startOrder = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private SharedIndexInformer<Job> informer;

    /**
     * @param podEnvironment what the runner image adds to every pod (e.g. where its Python processors live)
     * @param nodes          how many pods may run at once (the cluster's capacity)
     */
    JobStandIn(KubernetesClient client, Supplier<Pods.Pod> containers, Map<String, String> podEnvironment, int nodes) {
        this.client = client;
        this.containers = containers;
        this.podEnvironment = podEnvironment;
        this.pods = Executors.newFixedThreadPool(nodes);
    }

    JobStandIn start() {
        informer = client.batch().v1().jobs().inNamespace(MockCluster.NAMESPACE).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                startOrder.add(job.getMetadata().getName());
                pods.submit(() -> {
                    try {
                        execute(job);
                    } catch (Exception e) {
                        // A pod that cannot start: the Job stays active, as in a cluster; say why.
                        System.err.println("Job stand-in: Job " + job.getMetadata().getName() + ": " + e);
                        e.printStackTrace();
                    }
                });
            }

            @Override
            public void onUpdate(Job oldJob, Job newJob) {
                if (newJob.getMetadata().getDeletionTimestamp() != null) {
                    stop(newJob);
                }
            }

            @Override
            public void onDelete(Job job, boolean unknownFinalState) {
                stop(job);
            }
        });
        return this;
    }

    /** The most Jobs that ever ran at once. */
    int maxActive() {
        return maxActive.get();
    }

    void resetMaxActive() {
        maxActive.set(active.get());
    }

    /** Job names in the order the Jobs were created. */
    java.util.List<String> startOrder() {
        synchronized (startOrder) {
            return java.util.List.copyOf(startOrder);
        }
    }

    /** The Job is being deleted: stop its runner (the pod's SIGTERM); the Job may go once no runner is left. */
    private void stop(Job job) {
        String name = job.getMetadata().getName();
        deleted.put(name, true);
        Pods.Pod pod = running.get(name);
        if (pod != null) {
            pod.stop();
        } else {
            letGo(name);
        }
    }

    /**
     * Removes the foreground-deletion finalizer, which lets the Job go (the garbage collector's part once the pods
     * are gone). Done after the runner has stopped, so nothing it writes can land after the operator's cancel.
     */
    private void letGo(String name) {
        try {
            client.batch().v1().jobs().inNamespace(MockCluster.NAMESPACE).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void execute(Job job) throws Exception {
        String name = job.getMetadata().getName();
        int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
        int failures = 0;
        while (!deleted.containsKey(name)) {
            int now = active.incrementAndGet();
            maxActive.accumulateAndGet(now, Math::max);
            int code;
            try {
                writeStatus(name, new JobStatusBuilder().withActive(1).withFailed(failures)
                        .withStartTime(java.time.Instant.now().toString()).build());
                Pods.Pod pod = containers.get();
                running.put(name, pod);
                if (deleted.containsKey(name)) {
                    break; // deleted before its container started (stop() saw no runner, or will see this one)
                }
                long began = System.nanoTime();
                code = pod.run(environment(job));
                System.out.printf("Job stand-in: Job %s: runner exit %d after %d ms%n", name, code,
                        (System.nanoTime() - began) / 1_000_000);
            } finally {
                running.remove(name);
                active.decrementAndGet();
            }
            if (deleted.containsKey(name)) {
                break;
            }
            if (code == RunnerExitCodes.PROCESSED) {
                writeStatus(name, finished(failures, 1, "Complete", "Completed", "Job completed"));
                return;
            }
            failures++;
            if (code == RunnerExitCodes.PROCESSOR_FAILED) {
                writeStatus(name, finished(failures, 0, "Failed", "PodFailurePolicy",
                        "Container runner for failed pod exited with code 3 matching FailJob rule at index 0"));
                return;
            }
            if (failures > backoffLimit) {
                writeStatus(name, finished(failures, 0, "Failed", "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit"));
                return;
            }
        }
        letGo(name);
    }

    private static JobStatus finished(int failed, int succeeded, String type, String reason, String message) {
        JobCondition condition = new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
                .withMessage(message).withLastTransitionTime(java.time.Instant.now().toString()).build();
        return new JobStatusBuilder().withActive(0).withFailed(failed).withSucceeded(succeeded)
                .withConditions(condition).build();
    }

    /** A merge patch of the Job's status, as the Job controller writes it; a Job deleted meanwhile is left alone. */
    private void writeStatus(String name, JobStatus status) {
        Job job = new JobBuilder().withNewMetadata().withName(name).withNamespace(MockCluster.NAMESPACE).endMetadata()
                .withStatus(status).build();
        try {
            client.resource(job).patchStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** The container's env with secretKeyRefs resolved, plus what the image itself sets. */
    private Map<String, String> environment(Job job) {
        var env = new HashMap<>(podEnvironment);
        for (EnvVar var : job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                // Read once, as a kubelet caches the Secrets its pods use.
                Secret secret = secrets.computeIfAbsent(ref.getName(),
                        name -> client.secrets().inNamespace(MockCluster.NAMESPACE).withName(name).get());
                if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
                    throw new IllegalStateException("Job " + job.getMetadata().getName() + ": secret "
                            + ref.getName() + " has no key " + ref.getKey() + " (the pod would not start)");
                }
                env.put(var.getName(), new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())),
                        StandardCharsets.UTF_8));
            } else if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return env;
    }

    @Override
    public void close() throws InterruptedException {
        if (informer != null) {
            informer.close();
        }
        running.values().forEach(Pods.Pod::stop);
        pods.shutdownNow();
        pods.awaitTermination(20, TimeUnit.SECONDS);
    }
}
