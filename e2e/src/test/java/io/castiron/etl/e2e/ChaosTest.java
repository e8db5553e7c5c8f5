package io.castiron.etl.e2e;

import static io.castiron.etl.e2e.Harness.WAIT;
import static io.castiron.etl.e2e.Harness.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.FilePhase;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.store.ObjectSummary;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Issue 5, scenario 5: the operator killed and restarted while 200 files are in flight loses and repeats nothing. */
class ChaosTest {
    private static final int FILES = 200;

    @Test
    void operatorRestartsLoseNothingAndProcessEachFileOnce() throws Exception {
        Path markers = Files.createTempDirectory("castiron-chaos-markers");
        String folder = "chaos-" + UUID.randomUUID().toString().substring(0, 6);
        String key = folder + "/chaos.toml";
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Harness h = new Harness()) {
            h.putConfig(key, """
                    [castiron.etl]
                    handled_file_glob = ".csv"
                    inbox_dir = "01_inbox"
                    processing_dir = "02_processing"
                    archive_dir = "03_archive"
                    error_dir = "04_failed"
                    max_concurrent_jobs = 8
                    poll_interval = "300ms"
                    shell = 'touch "$MARKERS/$ETL_ORIGINAL_NAME.$$"'
                    [castiron.etl.runner.env]
                    MARKERS = "%s"
                    """.formatted(markers));
            String name = ResourceNames.pipelineNameFor(key);
            h.awaitPipeline(name);
            String bucket = h.settings.configBucket();
            await().atMost(WAIT).until(() -> h.store.exists(bucket, folder + "/02_processing/.keep"));

            // A file caught between its move to processing and its row insert: EtlFile claimed, object staged.
            var caught = new EtlFile();
            caught.setMetadata(new ObjectMetaBuilder().withName("caught-mid-staging").withNamespace(h.namespace)
                    .withLabels(Map.of(Harness.PIPELINE_LABEL, name)).build());
            caught.getSpec().setPipeline(name);
            caught.getSpec().setBucket(bucket);
            caught.getSpec().setInboxKey(folder + "/01_inbox/caught.csv");
            caught.getSpec().setOriginalName("caught.csv");
            h.operator.kill();
            caught = h.client.resource(caught).create();
            String caughtId = caught.getMetadata().getUid();
            h.store.upload(bucket, folder + "/02_processing/" + caughtId + "-caught.csv",
                    "id\n1\n".getBytes(StandardCharsets.UTF_8), "text/csv",
                    ObjectMetadata.of(caughtId, "caught.csv", FileStatus.QUEUED));
            h.startOperator();

            Thread dropper = new Thread(() -> {
                for (int i = 0; i < FILES; i++) {
                    h.drop(bucket, String.format("%s/01_inbox/c%03d.csv", folder, i),
                            ("id\n" + i + "\n").getBytes(StandardCharsets.UTF_8));
                    if (i % 20 == 0) {
                        sleepQuietly(random.nextInt(300));
                    }
                }
            }, "dropper");
            dropper.start();
            for (int restart = 0; restart < 3; restart++) {
                sleepQuietly(500 + random.nextInt(2500));
                h.restartOperator();
            }
            dropper.join();

            h.awaitAllFinal(name, FILES + 1, Duration.ofMinutes(6));
            List<EtlFile> files = h.files(name);
            assertThat(files).as("seed %d", seed).allSatisfy(f -> assertThat(phase(f)).isEqualTo(FilePhase.Succeeded));

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                expected.add(String.format("c%03d.csv", i));
            }
            expected.add("caught.csv");
            Map<String, List<String>> whereEach = new HashMap<>();
            for (String stage : List.of("01_inbox", "02_processing", "03_archive", "04_failed", "05_canceled")) {
                for (ObjectSummary o : h.store.list(bucket, folder + "/" + stage + "/")) {
                    String objectName = o.key().substring(o.key().lastIndexOf('/') + 1);
                    if (objectName.equals(".keep")) {
                        continue;
                    }
                    String original = stage.equals("01_inbox") ? objectName : objectName.substring(37);
                    whereEach.computeIfAbsent(original, k -> new ArrayList<>()).add(stage);
                }
            }
            assertThat(whereEach.keySet()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(whereEach).as("every file in exactly one stage, the archive (seed %d)", seed)
                    .allSatisfy((file, stages) -> assertThat(stages).containsExactly("03_archive"));

            Map<String, Long> runsPerFile;
            try (var marks = Files.list(markers)) {
                runsPerFile = marks.map(p -> p.getFileName().toString())
                        .map(m -> m.substring(0, m.lastIndexOf('.')))
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            }
            assertThat(runsPerFile.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(runsPerFile).as("each file processed exactly once (seed %d)", seed)
                    .allSatisfy((file, runs) -> assertThat(runs).isEqualTo(1L));
            assertThat(h.rows.findById(UUID.fromString(caughtId)).orElseThrow().status())
                    .isEqualTo(FileStatus.COMPLETE);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
