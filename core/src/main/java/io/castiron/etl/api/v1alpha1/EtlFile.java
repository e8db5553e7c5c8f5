package io.castiron.etl.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One claimed input file: the unit of work, owner of the Job that processes it. */
@Group(EtlPipeline.GROUP)
@Version(EtlPipeline.VERSION)
// Stated, not derived: Fabric8 otherwise runs its English pluralizer (regular expressions) in every constructor.
@Plural("etlfiles")
@ShortNames("etlf")
@AdditionalPrinterColumn(name = "Pipeline", jsonPath = ".spec.pipeline", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "File", jsonPath = ".spec.originalName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Attempts", jsonPath = ".status.attempts", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EtlFile extends CustomResource<EtlFileSpec, EtlFileStatus> implements Namespaced {
    /** Annotation that asks for cancellation, the same as {@code spec.cancel: true}. */
    public static final String CANCEL_ANNOTATION = EtlPipeline.GROUP + "/cancel";

    @Override
    protected EtlFileSpec initSpec() {
        return new EtlFileSpec();
    }

    @Override
    protected EtlFileStatus initStatus() {
        return new EtlFileStatus();
    }

    /** True when cancellation was asked for by spec field or annotation. */
    @JsonIgnore
    public boolean isCancelRequested() {
        if (getSpec() != null && Boolean.TRUE.equals(getSpec().getCancel())) {
            return true;
        }
        var annotations = getMetadata() == null ? null : getMetadata().getAnnotations();
        return annotations != null && "true".equalsIgnoreCase(annotations.get(CANCEL_ANNOTATION));
    }
}
