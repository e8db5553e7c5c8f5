package io.castiron.etl.operator;

import java.util.LinkedHashMap;
import java.util.Map;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlPipeline;

/** Label keys and values the operator puts on what it creates; the one place they are spelled. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "castiron-etl-operator";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PIPELINE = EtlPipeline.GROUP + "/pipeline";
    public static final String FILE = EtlPipeline.GROUP + "/file";
    /** Annotation with the pipeline's whole name: the {@link #PIPELINE} label holds a hash of a long one. */
    public static final String PIPELINE_NAME = EtlPipeline.GROUP + "/pipeline-name";
    /**
     * Annotation of a Job that takes a batch of files: their EtlFile names, comma-separated, in the order its runner
     * takes them (the first is the Job's own name). A Job of one file has none.
     */
    public static final String BATCH_FILES = EtlPipeline.GROUP + "/batch-files";
    /** Selects every Job this operator made. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    private Labels() {
    }

    /** The {@link #PIPELINE} label: a pipeline's name, or a readable head and a hash when it is too long for one. */
    public static Map<String, String> ofPipeline(String pipeline) {
        return Map.of(PIPELINE, ResourceNames.labelValue(pipeline));
    }

    public static Map<String, String> forFile(String pipeline, String etlFileName) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(COMPONENT, "runner");
        labels.put(PIPELINE, ResourceNames.labelValue(pipeline));
        labels.put(FILE, ResourceNames.labelValue(etlFileName));
        return labels;
    }
}
