package io.castiron.etl.toml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.Stages;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;

class PipelineTomlDecodeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static String fixture(String name) {
        try (var in = PipelineTomlDecodeTest.class.getResourceAsStream("/toml/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void configInTheOriginalsFormatParsesUnchanged() {
        var config = PipelineToml.decode(fixture("original-format.toml"), "invoices/lines.toml");

        assertThat(config.warnings()).isEmpty();
        assertThat(config.title()).isEqualTo("Invoice lines");
        EtlPipelineSpec spec = config.spec();
        assertThat(spec.getEnabled()).isTrue();
        assertThat(spec.getHandledFileGlob()).isEqualTo(".csv|.CSV");
        assertThat(spec.getStages()).usingRecursiveComparison()
                .isEqualTo(new Stages("01_inbox/", "02_processing", "03_archive", "04_failed", "05_canceled"));
        assertThat(spec.getSaveErrorLog()).isTrue();
        var python = spec.getProcessor().getPython();
        assertThat(python.getWorkerRunMethod()).isEqualTo("invoices.lines.load");
        assertThat(python.getSupportsMetadata()).isTrue();
        assertThat(python.getStaticKwargs()).containsOnlyKeys("target_table");
        assertThat(python.getStaticKwargs().get("target_table").textValue()).isEqualTo("invoice_lines");
        assertThat(spec.getProcessor().kindsSet()).containsExactly("python");
    }

    @Test
    void everyKeyOfAFullFeaturedConfigLandsInTheSpec() {
        var config = PipelineToml.decode(fixture("full-featured.toml"), "sensors/readings.toml");

        assertThat(config.warnings()).isEmpty();
        assertThat(config.title()).isEqualTo("Nightly sensor readings");
        EtlPipelineSpec spec = config.spec();
        assertThat(spec.getEnabled()).isFalse();
        assertThat(spec.getHandledFileGlob()).isEqualTo("*_readings.tsv | .TSV | sensor-\\d+\\.dat");
        assertThat(spec.getStages()).usingRecursiveComparison()
                .isEqualTo(new Stages("/incoming/", "working", "done", "rejected", "stopped"));
        assertThat(spec.getSaveErrorLog()).isTrue();
        assertThat(spec.getMaxConcurrentJobs()).isEqualTo(12);
        assertThat(spec.getPollInterval()).isEqualTo("1m30s");
        assertThat(spec.getRetention()).isEqualTo("72h");
        assertThat(spec.getBucket()).as("not a TOML key").isEqualTo(EtlPipelineSpec.DEFAULT_BUCKET);
        assertThat(spec.getPrefix()).as("not a TOML key").isEmpty();

        var python = spec.getProcessor().getPython();
        assertThat(spec.getProcessor().kindsSet()).containsExactly("python");
        assertThat(python.getWorkerRunMethod()).isEqualTo("load_readings");
        assertThat(python.getWorkerClass()).isEqualTo("sensors.loader.ReadingLoader");
        assertThat(python.getWorkerSetupMethod()).isEqualTo("connect");
        assertThat(python.getSupportsPizzaTracker()).isTrue();
        assertThat(python.getSupportsMetadata()).isFalse();
        assertThat(python.getStaticKwargs()).containsOnlyKeys("table_name", "batch_size", "big_number", "threshold",
                "dry_run", "columns", "bounds", "since", "cutoff", "odd key.with dots");
        assertThat(python.getEnvironmentKwargs()).containsExactly(
                org.assertj.core.api.Assertions.entry("db_password", "READINGS_DB_PASSWORD"));

        var runner = spec.getRunner();
        assertThat(runner.getImage()).isEqualTo("registry.example.com/sensors/runner:1.4");
        assertThat(runner.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(runner.getServiceAccountName()).isEqualTo("sensor-etl");
        assertThat(runner.getActiveDeadlineSeconds()).isEqualTo(3600L);
        assertThat(runner.getBackoffLimit()).isEqualTo(2);
        assertThat(runner.getFilesPerJob()).isEqualTo(20);
        assertThat(runner.getNodeSelector()).containsExactly(
                org.assertj.core.api.Assertions.entry("kubernetes.io/arch", "amd64"),
                org.assertj.core.api.Assertions.entry("pool", "batch"));
        assertThat(runner.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).containsExactly(
                org.assertj.core.api.Assertions.tuple("LOG_LEVEL", "debug"),
                org.assertj.core.api.Assertions.tuple("TZ", "UTC"));
        assertThat(runner.getEnvFrom()).extracting(PipelineTomlDecodeTest::envSourceName).containsExactly(
                "secret readings-db", "configMap sensor-settings", "configMap shared-settings");
        assertThat(runner.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(runner.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("250m"));
        assertThat(runner.getResources().getLimits()).containsOnlyKeys("nvidia.com/gpu", "ephemeral-storage");
        assertThat(runner.getResources().getLimits().get("nvidia.com/gpu").toString())
                .as("an integer quantity is accepted").isEqualTo("1");
        assertThat(runner.getTolerations()).hasSize(2);
        assertThat(runner.getTolerations().get(0)).satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getOperator()).isEqualTo("Equal");
            assertThat(t.getValue()).isEqualTo("etl");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
            assertThat(t.getTolerationSeconds()).isNull();
        });
        assertThat(runner.getTolerations().get(1)).satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable");
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getValue()).isNull();
            assertThat(t.getEffect()).isEqualTo("NoExecute");
            assertThat(t.getTolerationSeconds()).isEqualTo(300L);
        });
    }

    private static String envSourceName(EnvFromSource source) {
        return source.getSecretRef() != null ? "secret " + source.getSecretRef().getName()
                : "configMap " + source.getConfigMapRef().getName();
    }

    @Test
    void staticKwargsKeepTheirTomlTypesAsJsonAndDatesAreTagged() throws Exception {
        var kwargs = PipelineToml.decode(fixture("full-featured.toml"), "a.toml").spec().getProcessor().getPython()
                .getStaticKwargs();

        JsonNode asJson = MAPPER.valueToTree(kwargs);
        assertThat(asJson).isEqualTo(MAPPER.readTree("""
                {"table_name": "readings", "batch_size": 500, "big_number": 9000000000, "threshold": 0.75,
                 "dry_run": false, "columns": ["ts", "sensor", "value"], "bounds": {"low": -40, "high": 85.5},
                 "since": {"$date": "2024-03-01"}, "cutoff": {"$datetime": "2024-03-01T06:00:00Z"},
                 "odd key.with dots": "kept"}
                """));
    }

    @Test
    void tomlDatesTimesInfAndNanBecomeTaggedValuesThatKeepTheirKind() throws Exception {
        var kwargs = PipelineToml.decode(fixture("typed-kwargs.toml"), "typed-kwargs.toml").spec().getProcessor()
                .getPython().getStaticKwargs();

        assertThat((JsonNode) MAPPER.valueToTree(kwargs)).isEqualTo(MAPPER.readTree("""
                {"offset": {"$datetime": "1979-05-27T00:32:00.999999-07:00"},
                 "local": {"$datetime": "1979-05-27T07:32:00"}, "day": {"$date": "1979-05-27"},
                 "at": {"$time": "07:32:00"}, "ceiling": {"$float": "inf"}, "floor": {"$float": "-inf"},
                 "unknown": {"$float": "nan"}, "in_a_list": [{"$date": "1979-05-27"}, {"$float": "inf"}]}
                """));
    }

    @Test
    void javaProcessorTableNamesAClassWithItsKwargs() {
        var config = PipelineToml.decode(fixture("java-splitter.toml"), "java-splitter.toml");

        var processor = config.spec().getProcessor();
        assertThat(processor.kindsSet()).containsExactly("java");
        assertThat(processor.getJava().getClassName()).isEqualTo("com.example.JsonSplitter");
        assertThat(processor.getJava().getStaticKwargs().get("chunk_size").intValue()).isEqualTo(1000);
        assertThat(processor.getJava().getStaticKwargs().get("output").get("format").textValue()).isEqualTo("ndjson");
        assertThat(processor.getJava().getEnvironmentKwargs()).containsEntry("token", "SPLITTER_TOKEN");
        assertThat(config.title()).isNull();
    }

    @Test
    void shellScriptKeepsItsLinesAndOmittedKeysTakeTheirDefaults() {
        var config = PipelineToml.decode("""
                [castiron.etl]
                handled_file_glob = "*.log"
                inbox_dir = "logs/new"
                processing_dir = "logs/busy"
                error_dir = "logs/failed"
                shell = '''
                set -eu
                gzip -t "$ETL_FILENAME"
                '''
                """, "logs.toml");

        EtlPipelineSpec spec = config.spec();
        assertThat(spec.getProcessor().kindsSet()).containsExactly("shell");
        assertThat(spec.getProcessor().getShell().getScript()).isEqualTo("set -eu\ngzip -t \"$ETL_FILENAME\"\n");
        assertThat(spec.getEnabled()).isTrue();
        assertThat(spec.getSaveErrorLog()).isFalse();
        assertThat(spec.getStages().getArchive()).isNull();
        assertThat(spec.getStages().getCanceled()).isEqualTo("05_canceled");
        assertThat(spec.getMaxConcurrentJobs()).isEqualTo(EtlPipelineSpec.DEFAULT_MAX_CONCURRENT_JOBS);
        assertThat(spec.getPollInterval()).isEqualTo(EtlPipelineSpec.DEFAULT_POLL_INTERVAL);
        assertThat(spec.getRetention()).isEqualTo(EtlPipelineSpec.DEFAULT_RETENTION);
        assertThat(spec.getRunner()).isNull();
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void unknownKeysAreIgnoredWithAWarningNamingKeyAndLine() {
        var config = PipelineToml.decode("""
                owner = "team-a"
                [castiron.etl]
                handled_file_glob = ".csv"
                inbox_dir = "in"
                processing_dir = "work"
                error_dir = "failed"
                colour = "blue"
                [castiron.etl.python]
                worker_run_method = "pkg.run"
                retries = 3
                [castiron.etl.runner]
                cpu = "1"
                [[castiron.etl.runner.tolerations]]
                key = "k"
                seconds = 5
                [castiron.other]
                x = 1
                """, "cfg/a.toml");

        assertThat(config.spec().getProcessor().getPython().getWorkerRunMethod()).isEqualTo("pkg.run");
        assertThat(config.warnings()).containsExactlyInAnyOrder(
                "cfg/a.toml line 1: unknown key owner is ignored",
                "cfg/a.toml line 7: unknown key castiron.etl.colour is ignored",
                "cfg/a.toml line 10: unknown key castiron.etl.python.retries is ignored",
                "cfg/a.toml line 12: unknown key castiron.etl.runner.cpu is ignored",
                "cfg/a.toml line 15: unknown key castiron.etl.runner.tolerations[0].seconds is ignored",
                "cfg/a.toml line 16: unknown key castiron.other is ignored");
    }
}
