package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * Every task and committed line a processor writes reaches the topic, in order, however many it writes; of progress
 * values only those superseded before they were written may be left out.
 */
@ExtendWith(TestServers.class)
class ProgressVolumeTest {
    static final int LINES = 200_000;

    @TempDir
    Path temp;

    @Test
    void twoHundredThousandProgressLinesAllArriveInOrder(S3TestServer s3, PostgresTestServer pg,
            KafkaTestServer kafka) {
        var harness = new RunnerHarness(s3, pg, kafka);
        // a third each of TASK, COMMITTED and PROGRESS lines, written as fast as the pipe takes them
        var file = harness.stage(Processor.shell("awk -v n=" + LINES + " 'BEGIN { for (i = 1; i <= n; i++) {"
                + " if (i % 3 == 0) print \"TASK step \" i; else if (i % 3 == 1) print \"COMMITTED \" i;"
                + " else print \"PROGRESS \" i \"/\" n } }' > \"$ETL_PROGRESS_PIPE\""), "many.csv", "x\n");

        assertThat(new Runner(harness.options(temp.resolve("work"), null)).run(file.env()))
                .isEqualTo(RunnerExitCodes.PROCESSED);

        List<JsonNode> messages = kafka.awaitRecords(file.topic(), LINES + 1, Duration.ofMinutes(2)).stream()
                .map(ConsumerRecord::value).map(RunnerHarness::json).toList();
        assertThat(messages.size()).as("events delivered of %d lines and the final status", LINES).isEqualTo(LINES + 1);
        for (int i = 1; i <= LINES; i++) {
            JsonNode message = messages.get(i - 1);
            String expected = i % 3 == 0 ? "task" : i % 3 == 1 ? "committed" : "progress";
            assertThat(message.has(expected)).as("message %d: %s", i, message).isTrue();
        }
        assertThat(messages.get(LINES - 2).path("committed").asLong()).isEqualTo(LINES - 1L);
        assertThat(messages.get(LINES).path("status").asText()).isEqualTo("success");
    }

    @Test
    void aBurstOfProgressValuesArrivesInOrderWithOnlySupersededValuesLeftOut(S3TestServer s3,
            PostgresTestServer pg, KafkaTestServer kafka) {
        var harness = new RunnerHarness(s3, pg, kafka);
        var file = harness.stage(Processor.shell("awk -v n=" + LINES + " 'BEGIN { for (i = 1; i <= n; i++)"
                + " print \"PROGRESS \" i \"/\" n; print \"TASK done\" }' > \"$ETL_PROGRESS_PIPE\""),
                "burst.csv", "x\n");

        assertThat(new Runner(harness.options(temp.resolve("work"), null)).run(file.env()))
                .isEqualTo(RunnerExitCodes.PROCESSED);

        List<JsonNode> messages = harness.published(file).stream().map(ConsumerRecord::value)
                .map(RunnerHarness::json).toList();
        List<Double> progress = messages.stream().filter(m -> m.has("progress"))
                .map(m -> m.get("progress").asDouble()).toList();
        System.out.printf("%d progress lines written, %d progress messages published%n", LINES, progress.size());
        assertThat(progress).isNotEmpty().hasSizeLessThanOrEqualTo(LINES).isSorted().doesNotHaveDuplicates();
        assertThat(progress.get(progress.size() - 1)).as("the last value always").isEqualTo(1.0);
        assertThat(messages.subList(progress.size(), messages.size())).extracting(m -> m.toString()).containsExactly(
                "{\"type\":\"job_update\",\"job_id\":\"" + file.contract().fileId() + "\",\"task\":\"done\"}",
                "{\"type\":\"job_update\",\"job_id\":\"" + file.contract().fileId() + "\",\"status\":\"success\"}");
    }
}
