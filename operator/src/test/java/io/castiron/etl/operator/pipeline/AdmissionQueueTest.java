package io.castiron.etl.operator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlFileStatus;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class AdmissionQueueTest {
    @Test
    void theQueueIsInQueueTimeOrderEvenWhenATimeFallsOnAWholeSecond() {
        // ISO-8601 text leaves a zero fraction out: as text, "12:00:37Z" sorts after "12:00:37.015Z".
        var onTheSecond = queued("b-on-the-second", "2026-12-01T12:00:37Z");
        var later = queued("a-later", "2026-12-01T12:00:37.015Z");
        var earlier = queued("c-earlier", "2026-12-01T12:00:36.999Z");
        var running = queued("d-has-a-job", "2026-12-01T12:00:30Z");
        assertThat(Admission.queue(List.of(later, onTheSecond, running, earlier), Set.of("d-has-a-job")::contains))
                .extracting(f -> f.getMetadata().getName())
                .containsExactly("c-earlier", "b-on-the-second", "a-later");
    }

    private static EtlFile queued(String name, String queuedTime) {
        var file = new EtlFile();
        file.setMetadata(new ObjectMetaBuilder().withName(name).build());
        var status = new EtlFileStatus();
        status.setPhase(FilePhase.Queued);
        status.setQueuedTime(queuedTime);
        file.setStatus(status);
        return file;
    }
}
