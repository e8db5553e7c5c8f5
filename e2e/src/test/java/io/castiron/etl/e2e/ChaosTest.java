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

/**
 * Issue 5, scenario 5: the operator killed and restarted while 200 files are in flight loses and repeats nothing.
 * Only the operator dies here, never a runner pod, so no processor has a reason to run twice (a lost pod is what
 * runs one again: README, "Claim once, one outcome, processing at least once").
 * <p>
 * The pauses between drops and between restarts come from a seed, printed at the start and on failure;
 * {@code -Dchaos.seed=N} replays those choices (the machine's timing is not replayed).
 */
class ChaosTest {
    private static final int FILES = 200;
    private static final String SEED_PROPERTY = "chaos.seed";

    @Test
    void operatorRestartsLoseNoFileAndStartNoSecondRunner() throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, new Random().nextLong());
        System.out.printf("ChaosTest seed %d (replay with -D%s=%d)%n", seed, SEED_PROPERTY, seed);
        try {
            restartTheOperatorThreeTimes(seed);
        } catch (Throwable failure) {
            System.out.printf("ChaosTest failed with seed %d: replay with -D%s=%d%n", seed, SEED_PROPERTY, seed);
            failure.addSuppressed(new AssertionError("replay with -D" + SEED_PROPERTY + "=" + seed));
            throw failure;
        }
    }

    private static void restartTheOperatorThreeTimes(long seed) throws Exception {
        Path markers = Files.createTempDirectory("castiron-chaos-markers");
        String folder = "chaos-" + UUID.randomUUID().toString().substring(0, 6);
        String key = folder + "/chaos.toml";
        // one generator per thread, so the values each draws do not depend on how the two interleave
        Random seeds = new Random(seed);
        Random dropPauses = new Random(seeds.nextLong());
        Random restartPauses = new Random(seeds.nextLong());
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
                        sleepQuietly(dropPauses.nextInt(300));
                    }
                }
            }, "dropper");
            dropper.start();
            for (int restart = 0; restart < 3; restart++) {
                sleepQuietly(500 + restartPauses.nextInt(2500));
                h.restartOperator();
            }
            dropper.join();

            h.awaitAllFinal(name, FILES + 1, Duration.ofMinutes(6));
            List<EtlFile> files = h.files(name);
            assertThat(files).allSatisfy(f -> assertThat(phase(f)).isEqualTo(FilePhase.Succeeded));

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
            assertThat(whereEach.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(whereEach).as("every file in exactly one stage, the archive")
                    .allSatisfy((file, stages) -> assertThat(stages).containsExactly("03_archive"));

            Map<String, Long> runsPerFile;
            try (var marks = Files.list(markers)) {
                runsPerFile = marks.map(p -> p.getFileName().toString())
                        .map(m -> m.substring(0, m.lastIndexOf('.')))
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            }
            assertThat(runsPerFile.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(runsPerFile).as("one runner per file: no pod was lost, so none ran twice")
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
