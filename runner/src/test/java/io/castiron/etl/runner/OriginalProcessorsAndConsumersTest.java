package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.runner.RunnerHarness.StagedFile;
import io.castiron.etl.status.FileStatus;
import io.castiron.etl.store.ObjectMetadata;
import io.castiron.etl.testkit.TestServers;
import io.castiron.etl.toml.PipelineToml;

/**
 * What a processor and a consumer written for the original tool see: {@code file_metadata} with the uploader's
 * metadata, TOML dates and non-finite floats as Python objects, and only final statuses on the topic.
 */
class OriginalProcessorsAndConsumersTest extends OnTestServers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private int run(StagedFile file) {
        return new Runner(harness.options(temp.resolve("work"), null)).run(file.env());
    }

    /** A Python processor as the original's TOML declares it, with {@code out} naming where it records its call. */
    private static Processor python(String runMethod, Path out, String extraToml) {
        return PipelineToml.decode("""
                [castiron.etl]
                handled_file_glob = ".csv"
                inbox_dir = "01_inbox"
                processing_dir = "02_processing"
                error_dir = "04_failed"
                [castiron.etl.python]
                worker_run_method = "%s"
                supports_metadata = true
                [castiron.etl.python.static_kwargs]
                out = "%s"
                %s
                """.formatted(runMethod, out, extraToml), "original.toml").spec().getProcessor();
    }

    /** Re-uploads the staged object as an uploader's S3 client would have left it, plus the staging metadata. */
    private void uploadedWith(StagedFile file, Map<String, String> uploaderMetadata) {
        var metadata = new LinkedHashMap<>(uploaderMetadata);
        metadata.putAll(ObjectMetadata.of(file.contract().fileId(), file.contract().originalName(),
                FileStatus.QUEUED));
        harness.store.upload(harness.bucket, file.processingKey(),
                harness.read(file.processingKey()).getBytes(StandardCharsets.UTF_8), "text/csv", metadata);
    }

    private List<JsonNode> topic(StagedFile file) {
        return harness.published(file).stream().map(r -> RunnerHarness.json(r.value())).toList();
    }

    @Test
    void fileMetadataIsTheObjectsStatHeadersWithTheUploadersKeysPlusStatus() throws IOException {
        Path out = temp.resolve("recorded.json");
        var file = harness.stage(python("castiron_test_processors.record.record", out, ""), "people.csv",
                "name\nada\n");
        uploadedWith(file, Map.of("Owner_dn", "CN=Ada Lovelace,O=Example", "Project", "census"));

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        JsonNode metadata = JSON.readTree(out.toFile()).path("kwargs").path("file_metadata");
        assertThat(metadata.path("X-Amz-Meta-Owner_dn").asText()).isEqualTo("CN=Ada Lovelace,O=Example");
        assertThat(metadata.path("X-Amz-Meta-Project").asText()).isEqualTo("census");
        assertThat(metadata.path("X-Amz-Meta-Id").asText()).isEqualTo(file.contract().fileId());
        assertThat(metadata.path("X-Amz-Meta-Originalfilename").asText()).isEqualTo("people.csv");
        assertThat(metadata.path("Content-Type").asText()).isEqualTo("text/csv");
        assertThat(metadata.path("Content-Length").asText()).isEqualTo("9");
        assertThat(metadata.has("ETag")).isTrue();
        assertThat(metadata.path("status").asText()).isEqualTo("Processing");

        var archived = harness.store.stat(harness.bucket, file.archiveKey()).orElseThrow();
        assertThat(archived.headers())
                .as("the uploader's metadata is kept by the move to archive")
                .containsEntry("X-Amz-Meta-Owner_dn", "CN=Ada Lovelace,O=Example")
                .containsEntry("X-Amz-Meta-Project", "census")
                .containsEntry("X-Amz-Meta-Status", "Complete");
    }

    @Test
    void tomlDatesTimesInfAndNanReachPythonAsDatetimeDateTimeAndFloat() throws IOException {
        Path out = temp.resolve("types.json");
        var file = harness.stage(python("castiron_test_processors.types.describe", out, """
                offset = 1979-05-27T00:32:00.999999-07:00
                utc = 1979-05-27T07:32:00Z
                local = 1979-05-27T07:32:00
                day = 1979-05-27
                at = 07:32:00
                ceiling = inf
                floor = -inf
                unknown = nan
                nested = { since = 2024-03-01 }
                """), "typed.csv", "x\n");

        assertThat(run(file)).isEqualTo(RunnerExitCodes.PROCESSED);

        var described = (ObjectNode) JSON.readTree(out.toFile());
        described.remove("file_metadata");
        assertThat(described).isEqualTo(JSON.readTree("""
                {"offset": {"type": "datetime", "iso": "1979-05-27T00:32:00.999999-07:00", "aware": true},
                 "utc": {"type": "datetime", "iso": "1979-05-27T07:32:00+00:00", "aware": true},
                 "local": {"type": "datetime", "iso": "1979-05-27T07:32:00", "aware": false},
                 "day": {"type": "date", "iso": "1979-05-27", "aware": false},
                 "at": {"type": "time", "iso": "07:32:00", "aware": false},
                 "ceiling": {"type": "float", "repr": "inf"},
                 "floor": {"type": "float", "repr": "-inf"},
                 "unknown": {"type": "float", "repr": "nan"},
                 "nested": {"since": {"type": "date", "iso": "2024-03-01", "aware": false}}}
                """));
    }

    @Test
    void theTopicCarriesOnlyFinalStatusesUnlessProcessingStatusIsTurnedOn() {
        var quiet = harness.stage(Processor.shell("true"), "quiet.csv", "x\n");
        var told = harness.stage(Processor.shell("exit 1"), "told.csv", "x\n", true, false)
                .with(Settings.KAFKA_PROCESSING_STATUS, "true");

        assertThat(run(quiet)).isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(run(told)).isEqualTo(RunnerExitCodes.PROCESSOR_FAILED);

        assertThat(topic(quiet)).extracting(m -> m.path("status").asText()).containsExactly("success");
        assertThat(topic(told)).extracting(m -> m.path("status").asText()).containsExactly("processing", "failure");
    }
}
