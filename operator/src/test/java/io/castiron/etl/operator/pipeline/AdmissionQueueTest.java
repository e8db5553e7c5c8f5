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

    @Test
    void theFreeSlotsTakeBatchesOfAtMostFilesPerJobAndSpreadAShortQueueOverTheSlots() {
        var queue = java.util.stream.IntStream.range(0, 23).mapToObj(i -> queued("f" + i, null)).toList();
        assertThat(Admission.batches(queue, 2, 10)).extracting(List::size).containsExactly(10, 10);
        assertThat(Admission.batches(queue, 4, 10)).extracting(List::size).containsExactly(6, 6, 6, 5);
        assertThat(Admission.batches(queue, 3, 1)).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(Admission.batches(queue.subList(0, 2), 4, 10)).extracting(List::size).containsExactly(1, 1);
        assertThat(Admission.batches(queue, 0, 10)).isEmpty();
        // oldest first, in order, each file once
        assertThat(Admission.batches(queue, 3, 2).stream().flatMap(List::stream).map(f -> f.getMetadata().getName()))
                .containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
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
