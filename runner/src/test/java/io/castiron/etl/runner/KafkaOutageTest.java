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
 * A run while the broker is away: it neither waits for it nor loses a message; all arrive, in order, once it is
 * back.
 */
@ExtendWith(TestServers.class)
class KafkaOutageTest {
    /** Longer than the 30 s of broker silence after which a runner used to stop waiting and drop messages. */
    static final Duration OUTAGE = Duration.ofSeconds(31);
    static final int LINES = 20_000;

    @TempDir
    Path temp;

    @Test
    void aRunThatStartsAndEndsDuringALongBrokerOutageLosesNoneOfItsMessages(S3TestServer s3, PostgresTestServer pg,
            KafkaTestServer kafka) throws InterruptedException {
        var harness = new RunnerHarness(s3, pg, kafka);
        // a third each of TASK, COMMITTED and PROGRESS lines, more than the runner's queue holds
        var file = harness.stage(Processor.shell("awk -v n=" + LINES + " 'BEGIN { for (i = 1; i <= n; i++) {"
                + " if (i % 3 == 0) print \"TASK step \" i; else if (i % 3 == 1) print \"COMMITTED \" i;"
                + " else print \"PROGRESS \" i \"/\" n } }' > \"$ETL_PROGRESS_PIPE\""), "outage.csv", "x\n");

        kafka.stop();
        long stopped = System.nanoTime();
        int exit;
        Duration run;
        try {
            exit = new Runner(harness.options(temp.resolve("work"), null)).run(file.env());
            run = Duration.ofNanos(System.nanoTime() - stopped);
            assertThat(harness.waiting(file)).as("messages kept while the broker is away").isEqualTo(LINES + 1);
            // the outage itself is the scenario: the broker stays away past the old limit, whatever the run took
            Thread.sleep(Math.max(0, OUTAGE.minus(Duration.ofNanos(System.nanoTime() - stopped)).toMillis()));
        } finally {
            kafka.start();
        }
        assertThat(exit).isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(run).as("the run, broker away").isLessThan(OUTAGE);

        List<JsonNode> messages = harness.messages(file, LINES + 1);
        assertThat(messages.size()).as("messages delivered of %d lines and the final status", LINES)
                .isEqualTo(LINES + 1);
        for (int i = 1; i <= LINES; i++) {
            JsonNode message = messages.get(i - 1);
            String field = i % 3 == 0 ? "task" : i % 3 == 1 ? "committed" : "progress";
            String expected = i % 3 == 0 ? "step " + i : i % 3 == 1 ? Integer.toString(i)
                    : Double.toString((double) i / LINES);
            assertThat(message.path(field).asText()).as("message %d: %s", i, message).isEqualTo(expected);
        }
        assertThat(messages.get(LINES).path("status").asText()).isEqualTo("success");
        assertThat(harness.published(file)).extracting(ConsumerRecord::key).as("each message once")
                .hasSize(LINES + 1);
    }
}
