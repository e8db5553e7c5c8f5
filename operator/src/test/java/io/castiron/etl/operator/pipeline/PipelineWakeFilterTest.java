package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;

class PipelineWakeFilterTest {
    @Test
    void aFileWakesItsPipelineWhenItJoinsOrLeavesTheQueueOrFinishesNotWhenItStartsOrReportsProgress() {
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(null, null), file(FilePhase.Queued, null)))
                .as("staged: joins the queue").isTrue();
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(FilePhase.Queued, null),
                file(FilePhase.Running, null))).as("started: its Job took the slot already").isFalse();
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(FilePhase.Running, 0.1),
                file(FilePhase.Running, 0.5))).as("progress").isFalse();
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(FilePhase.Running, 0.5),
                file(FilePhase.Succeeded, 1.0))).as("finished").isTrue();
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(FilePhase.Running, null),
                file(FilePhase.Queued, null))).as("Job vanished: back in the queue").isTrue();
        EtlFile canceled = file(FilePhase.Queued, null);
        canceled.getSpec().setCancel(true);
        assertThat(EtlPipelineReconciler.changesQueueOrCounts(file(FilePhase.Queued, null), canceled))
                .as("cancel asked: leaves the queue").isTrue();
    }

    private static EtlFile file(FilePhase phase, Double progress) {
        var file = new EtlFile();
        if (phase != null) {
            var status = new EtlFileStatus();
            status.setPhase(phase);
            status.setProgress(progress);
            file.setStatus(status);
        }
        return file;
    }
}
