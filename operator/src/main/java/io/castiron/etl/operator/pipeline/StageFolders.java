package io.castiron.etl.operator.pipeline;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.EtlPipelineStatus;
import io.castiron.etl.operator.Conditions;
import io.castiron.etl.operator.EventRecorder;
import io.castiron.etl.stage.StageLayout;
import io.castiron.etl.store.ObjectStore;
import io.castiron.etl.store.ObjectStoreException;

/** Creates a pipeline's bucket and stage folders ({@code .keep} markers) once per spec generation. */
@ApplicationScoped
public class StageFolders {
    private static final Logger LOG = Logger.getLogger(StageFolders.class);

    @Inject
    ObjectStore store;

    @Inject
    EventRecorder events;

    /** @return true when the bucket and every folder exist (now or already for this generation) */
    public boolean ensure(EtlPipeline pipeline, StageLayout layout, EtlPipelineStatus status) {
        Long generation = pipeline.getMetadata().getGeneration();
        if (Conditions.isTrueFor(status.getConditions(), EtlPipelineStatus.CONDITION_BUCKETS_READY, generation)) {
            return true;
        }
        try {
            boolean bucketCreated = store.ensureBucket(layout.bucket());
            List<String> created = store.ensureStageDirs(layout);
            if (bucketCreated || !created.isEmpty()) {
                String what = (bucketCreated ? "bucket " + layout.bucket() + " and " : "") + "stage folders "
                        + created;
                LOG.infof("pipeline %s/%s: created %s", pipeline.getMetadata().getNamespace(),
                        pipeline.getMetadata().getName(), what);
                events.normal(pipeline, "StagesCreated", "Created " + what);
            }
            Conditions.set(status.getConditions(), EtlPipelineStatus.CONDITION_BUCKETS_READY, true, "StagesExist",
                    "Bucket " + layout.bucket() + " has every stage folder: " + layout.dirs(), generation);
            return true;
        } catch (ObjectStoreException e) {
            String message = "Cannot create the stage folders in bucket " + layout.bucket() + ": " + e.getMessage();
            Conditions.set(status.getConditions(), EtlPipelineStatus.CONDITION_BUCKETS_READY, false,
                    "ObjectStoreError", message, generation);
            events.warning(pipeline, "ObjectStoreError", message);
            LOG.warnf("pipeline %s/%s: %s", pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName(),
                    message);
            return false;
        }
    }
}
