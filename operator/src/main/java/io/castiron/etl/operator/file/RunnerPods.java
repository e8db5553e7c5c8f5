package io.castiron.etl.operator.file;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Live reads of a Job's pods, not an informer: the operator watches no pods, and it asks only when a Job is late to
 * start, has failed, or vanished, which is rare. A pod that has not ended may still move its file.
 */
final class RunnerPods {
    /** The label the Job controller puts on its pods (Kubernetes 1.27 and later). */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private RunnerPods() {
    }

    /** Pods of the Job of that name that have not ended (running, starting, or still terminating). */
    static List<Pod> notEnded(KubernetesClient client, String namespace, String jobName) {
        return client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, jobName).list().getItems().stream()
                .filter(p -> !ended(p))
                .toList();
    }

    private static boolean ended(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /**
     * What keeps a Job's runner from starting, in one line: each pod's waiting reason and message, or why it is not
     * scheduled; with no pod, the Job's latest warning Event (a quota, Pod Security or a missing ServiceAccount
     * refusing its pods). Empty when nothing says.
     */
    static Optional<String> holdUp(KubernetesClient client, Job job) {
        String namespace = job.getMetadata().getNamespace();
        var reasons = new ArrayList<String>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, job.getMetadata().getName())
                .list().getItems()) {
            waiting(pod).ifPresent(why -> reasons.add("pod " + pod.getMetadata().getName() + ": " + why));
        }
        if (!reasons.isEmpty()) {
            return Optional.of(String.join("; ", reasons));
        }
        try {
            return client.v1().events().inNamespace(namespace)
                    .withField("involvedObject.uid", job.getMetadata().getUid())
                    .list().getItems().stream()
                    .filter(e -> "Warning".equals(e.getType()) && e.getInvolvedObject() != null
                            && job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                    .max(Comparator.comparing(RunnerPods::when))
                    .map(e -> e.getReason() + ": " + e.getMessage());
        } catch (KubernetesClientException e) {
            // Events are a hint: without them the file still ends in error, with less said
            return Optional.empty();
        }
    }

    private static Optional<String> waiting(Pod pod) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        for (ContainerStatus c : listOrEmpty(pod.getStatus().getContainerStatuses())) {
            if (c.getState() != null && c.getState().getWaiting() != null && c.getState().getWaiting().getReason() != null) {
                var w = c.getState().getWaiting();
                return Optional.of(w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()));
            }
        }
        for (PodCondition c : listOrEmpty(pod.getStatus().getConditions())) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())) {
                return Optional.of(c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            }
        }
        return Optional.empty();
    }

    private static String when(Event e) {
        String t = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getEventTime() != null
                ? e.getEventTime().getTime() : e.getMetadata().getCreationTimestamp();
        return t == null ? "" : t;
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
