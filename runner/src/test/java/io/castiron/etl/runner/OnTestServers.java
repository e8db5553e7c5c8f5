package io.castiron.etl.runner;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/** A runner test against the real S3, PostgreSQL and Kafka test servers, with a {@link RunnerHarness} per test. */
@ExtendWith(TestServers.class)
abstract class OnTestServers {
    @TempDir
    Path temp;
    RunnerHarness harness;

    @BeforeEach
    void servers(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) {
        harness = new RunnerHarness(s3, pg, kafka);
    }
}
