package io.castiron.etl.operator.helm;

import java.util.List;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The one list of what the operator and the runner ask of the Kubernetes API, each with the code that asks. The
 * Helm chart's RBAC is checked against it (HelmChartTest): it must grant all of it and nothing more.
 *
 * <p>Compared with the ClusterRoles Quarkus Operator SDK generates (operator/target/kubernetes/kubernetes.yml
 * after {@code mvn package}: every verb on each primary resource and on its {@code /status} and
 * {@code /finalizers}), subresources get only the verbs the API server checks on them: {@code get, update, patch}
 * for status, {@code update} for finalizers. Neither reconciler implements {@code Cleaner}, so the operator adds
 * no finalizers; {@code etlfiles/finalizers} is needed because Jobs name their EtlFile owner with
 * {@code blockOwnerDeletion}, which the OwnerReferencesPermissionEnforcement admission plugin only allows to
 * those who may update the owner's finalizers. Secrets are never read: Jobs reference them by name, and a
 * missing one shows in the waiting reason of the pods that need it.
 */
public final class OperatorPermissions {
    /** One API group / resource / verb and why it is needed. */
    public record Need(String group, String resource, String verb, String why) {
    }

    private static final String GROUP = EtlPipeline.GROUP;
    private static final String PIPELINES = HasMetadata.getPlural(EtlPipeline.class);
    private static final String FILES = HasMetadata.getPlural(EtlFile.class);

    /** In every namespace the operator watches. */
    public static final List<Need> IN_WATCHED_NAMESPACES = List.of(
            // informers of both reconcilers and their event sources
            need(GROUP, PIPELINES, "get", "informers; ConfigBucketSync updates after a get"),
            need(GROUP, PIPELINES, "list", "informers; ConfigBucketSync lists its pipelines"),
            need(GROUP, PIPELINES, "watch", "informers"),
            need(GROUP, PIPELINES, "create", "ConfigBucketSync: a TOML file in the config bucket becomes a pipeline"),
            need(GROUP, PIPELINES, "update", "ConfigBucketSync: a changed TOML file"),
            need(GROUP, PIPELINES, "delete", "ConfigBucketSync: a deleted TOML file"),
            need(GROUP, PIPELINES, "patch", "kept from the generated RBAC: JOSDK patches a returned resource (none today)"),
            need(GROUP, PIPELINES + "/status", "get", "status subresource"),
            need(GROUP, PIPELINES + "/status", "update", "kept from the generated RBAC: JOSDK status updates"),
            need(GROUP, PIPELINES + "/status", "patch", "EtlPipelineReconciler: UpdateControl.patchStatus"),
            need(GROUP, PIPELINES + "/finalizers", "update", "kept from the generated RBAC: finalizers of the primary"),
            need(GROUP, FILES, "get", "informers"),
            need(GROUP, FILES, "list", "informers"),
            need(GROUP, FILES, "watch", "informers"),
            need(GROUP, FILES, "create", "InboxScanner: creating the EtlFile is the claim"),
            need(GROUP, FILES, "update", "kept from the generated RBAC: JOSDK updates a returned resource (none today)"),
            need(GROUP, FILES, "patch", "kept from the generated RBAC: JOSDK patches a returned resource (none today)"),
            need(GROUP, FILES, "delete", "Retention: finished files are deleted"),
            need(GROUP, FILES + "/status", "get", "status subresource"),
            need(GROUP, FILES + "/status", "update", "kept from the generated RBAC: JOSDK status updates"),
            need(GROUP, FILES + "/status", "patch", "FileStatusWriter: merge patch of the status"),
            need(GROUP, FILES + "/finalizers", "update", "JobFactory: Job owner reference with blockOwnerDeletion"),
            need("batch", "jobs", "get", "Job informers of both reconcilers"),
            need("batch", "jobs", "list", "Job informers"),
            need("batch", "jobs", "watch", "Job informers"),
            need("batch", "jobs", "create", "Admission: launching a file's Job"),
            need("batch", "jobs", "delete", "Canceller: deleting the Job of a canceled file"),
            need("", "events", "create", "EventRecorder: Events on pipelines and files"),
            need("", "events", "list", "JobObserver via RunnerPods: why a late Job has no pod (FailedCreate)"),
            need("", "pods", "list", "JobObserver via RunnerPods: a late runner's waiting reason; no file moves while"
                    + " a pod of its failed or deleted Job has not ended"),
            need("", "serviceaccounts", "get", "RunnerChecks: the pipeline's RunnersReady condition"));

    /**
     * In the operator's own namespace (leader election, the Lease castiron-etl-operator). What Fabric8's LeaseLock
     * sends is recorded by LeaderElectionRequestsTest: it reads the Lease before every try, creates it when there is
     * none, and takes over or renews it with a JSON merge patch, never a PUT.
     */
    public static final List<Need> IN_OPERATOR_NAMESPACE = List.of(
            need("coordination.k8s.io", "leases", "get", "Leadership: Fabric8's LeaseLock reads the Lease"),
            need("coordination.k8s.io", "leases", "create", "Leadership: the first leader creates it"),
            need("coordination.k8s.io", "leases", "patch", "Leadership: Fabric8's LeaseLock acquires and renews with a"
                    + " JSON merge patch"),
            need("coordination.k8s.io", "leases", "update", "never sent: the operator SDK's LeaderElectionManager"
                    + " will not start unless a SelfSubjectRulesReview shows get, create and update on leases"));

    /** The runner, in the namespace of its Job: progress on its EtlFile's status (a JSON merge patch). */
    public static final List<Need> RUNNER = List.of(
            need(GROUP, FILES + "/status", "patch", "runner EtlFileStatusPatcher: progress, task, committed"));

    private OperatorPermissions() {
    }

    private static Need need(String group, String resource, String verb, String why) {
        return new Need(group, resource, verb, why);
    }
}
