package io.castiron.etl.operator;

import java.util.LinkedHashMap;
import java.util.Map;

import io.castiron.etl.api.v1alpha1.EtlPipeline;

/** Label keys and values the operator puts on what it creates; the one place they are spelled. */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "castiron-etl-operator";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PIPELINE = EtlPipeline.GROUP + "/pipeline";
    public static final String FILE = EtlPipeline.GROUP + "/file";
    /** Selects every Job this operator made. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    private Labels() {
    }

    public static Map<String, String> forFile(String pipeline, String etlFileName) {
        var labels = new LinkedHashMap<String, String>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(COMPONENT, "runner");
        labels.put(PIPELINE, pipeline);
        labels.put(FILE, etlFileName);
        return labels;
    }
}
