package io.castiron.etl.toml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.castiron.etl.api.ResourceNames;

class ConvertCommandTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One run of the command: exit code and what it printed. */
    record Run(int exitCode, String out, String err) {
        JsonNode yaml() throws Exception {
            return YAML.readTree(out);
        }
    }

    static Run convert(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = ConvertCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void printsAnEtlPipelineForKubectlApply() throws Exception {
        Path toml = write("readings.toml", PipelineTomlDecodeTest.fixture("full-featured.toml"));

        var run = convert(toml.toString(), "--name", "readings", "--namespace", "etl", "--bucket", "data",
                "--prefix", "/sensors/");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode doc = run.yaml();
        assertThat(doc.get("apiVersion").asText()).isEqualTo("etl.castiron.io/v1alpha1");
        assertThat(doc.get("kind").asText()).isEqualTo("EtlPipeline");
        assertThat(doc.get("metadata")).isEqualTo(JSON.readTree("""
                {"name": "readings", "namespace": "etl",
                 "annotations": {"etl.castiron.io/title": "Nightly sensor readings"}}"""));
        assertThat(doc.has("status")).isFalse();
        assertThat(doc.at("/spec/bucket").asText()).isEqualTo("data");
        assertThat(doc.at("/spec/prefix").asText()).isEqualTo("sensors");

        var expected = PipelineToml.decode(PipelineTomlDecodeTest.fixture("full-featured.toml"), "x").spec();
        expected.setBucket("data");
        expected.setPrefix("sensors");
        assertThat(doc.get("spec")).as("the YAML holds the decoded spec, types included")
                .isEqualTo(JSON.readTree(JSON.writeValueAsString(expected)));
    }

    @Test
    void yamlLeavesOutEmptyMapsListsAndQuotesWhatYamlWouldMisread() throws Exception {
        Path toml = write("plain.toml", """
                [castiron.etl]
                handled_file_glob = "1_000"
                inbox_dir = "01_02"
                processing_dir = "yes"
                error_dir = "null"
                shell = "cat \\"$ETL_FILENAME\\"\\nexit 0\\n"
                [castiron.etl.runner]
                image = "on"
                """);

        var run = convert(toml.toString(), "--name", "plain");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("{}", "[]", "null\n", "status", "namespace")
                .contains("script: |\n");
        JsonNode spec = run.yaml().get("spec");
        assertThat(spec.at("/handledFileGlob").isTextual()).isTrue();
        assertThat(spec.at("/stages/inbox").asText()).isEqualTo("01_02");
        assertThat(run.out()).contains("inbox: \"01_02\"", "processing: \"yes\"", "error: \"null\"", "image: \"on\"",
                "handledFileGlob: \"1_000\"");
        assertThat(spec.at("/processor/shell/script").asText()).isEqualTo("cat \"$ETL_FILENAME\"\nexit 0\n");
        assertThat(run.out()).doesNotContain("environmentKwargs", "staticKwargs", "tolerations");
    }

    @Test
    void defaultNameIsTheOneTheConfigBucketWouldGiveTheSameFile() throws Exception {
        Path toml = write("My Config.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml"));

        var run = convert(toml.toString(), "--prefix", "teams/a/");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.yaml().at("/metadata/name").asText())
                .isEqualTo(ResourceNames.pipelineNameFor("teams/a/My Config.toml"));
        assertThat(run.yaml().at("/metadata/annotations").isMissingNode()).as("no title, no annotation").isTrue();
        assertThat(run.yaml().at("/spec/bucket").asText()).isEqualTo("etl");
        assertThat(convert(write("simple.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml")).toString())
                .yaml().at("/metadata/name").asText()).isEqualTo("simple");
    }

    @Test
    void warningsGoToStderrAndTheYamlStillComes() throws Exception {
        Path toml = write("warn.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml")
                .replace("enabled = true", "enabled = true\nenabeld = false"));

        var run = convert(toml.toString(), "--name", "warn");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains(toml + " line 4: unknown key castiron.etl.enabeld is ignored");
        assertThat(run.yaml().at("/spec/enabled").asBoolean()).isTrue();
    }

    @Test
    void aPatternReadTwoWaysIsAWarningSayingHowItIsRead() throws Exception {
        Path toml = write("ambiguous.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml")
                .replace("handled_file_glob = \".json\"", "handled_file_glob = \"events_*.json\""));

        var run = convert(toml.toString(), "--name", "ambiguous");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains(toml + " line 4: handled_file_glob alternative 'events_*.json' is read as a"
                + " glob on the whole file name");
        assertThat(run.yaml().at("/spec/handledFileGlob").asText()).isEqualTo("events_*.json");
    }

    @Test
    void badConfigPrintsTheErrorAndExitsTwo() throws Exception {
        Path toml = write("bad.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml")
                .replace("enabled = true", "enabled = \"true\""));

        var run = convert(toml.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip())
                .isEqualTo(toml + " line 3, key castiron.etl.enabled: expected a boolean, found a string");
    }

    @Test
    void badPrefixIsRejectedBeforeAnythingIsPrinted() throws Exception {
        Path toml = write("p.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml"));

        var run = convert(toml.toString(), "--prefix", "a/../b");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("spec.prefix", "'..'");
    }

    @Test
    void wrongArgumentsPrintUsageAndExitTwo() throws Exception {
        Path toml = write("ok.toml", PipelineTomlDecodeTest.fixture("java-splitter.toml"));

        assertThat(convert()).satisfies(run -> {
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("none given", ConvertCommand.USAGE);
        });
        assertThat(convert(toml.toString(), "--name")).satisfies(run -> assertThat(run.err()).contains("--name needs a value"));
        assertThat(convert(toml.toString(), "--name", "Not_Valid")).satisfies(run -> {
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("--name 'Not_Valid' is not a valid name");
        });
        assertThat(convert(toml.toString(), "--colour", "red").err()).contains("unknown option --colour");
        assertThat(convert(toml.toString(), toml.toString()).err()).contains("one TOML file at a time");
        assertThat(convert(dir.resolve("absent.toml").toString())).satisfies(run -> {
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("absent.toml: no such file");
        });
        assertThat(convert("--help")).satisfies(run -> {
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains(ConvertCommand.USAGE);
        });
    }
}
