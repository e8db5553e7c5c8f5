package io.castiron.etl.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One pipeline: a TOML {@code [castiron.etl]} table in Kubernetes form. */
@Group(EtlPipeline.GROUP)
@Version(EtlPipeline.VERSION)
// Stated, not derived: Fabric8 otherwise runs its English pluralizer (regular expressions) in every constructor.
@Plural("etlpipelines")
@ShortNames("etlp")
@AdditionalPrinterColumn(name = "Enabled", jsonPath = ".spec.enabled", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Glob", jsonPath = ".spec.handledFileGlob", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Running", jsonPath = ".status.running", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Succeeded", jsonPath = ".status.succeeded", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.failed", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EtlPipeline extends CustomResource<EtlPipelineSpec, EtlPipelineStatus> implements Namespaced {
    public static final String GROUP = "etl.castiron.io";
    public static final String VERSION = "v1alpha1";

    @Override
    protected EtlPipelineSpec initSpec() {
        return new EtlPipelineSpec();
    }

    /**
     * No status until the operator writes one, as on the API server. The operator SDK patches a pipeline's status with
     * a JSON Patch computed against the object it read: had a pipeline without status been read with an empty one,
     * the patch would add {@code /status/<field>} under a {@code /status} the server does not have, and a real API
     * server refuses that (422) on every reconcile, so no pipeline ever showed Ready (the mock API server let it
     * through).
     */
    @Override
    protected EtlPipelineStatus initStatus() {
        return null;
    }
}
