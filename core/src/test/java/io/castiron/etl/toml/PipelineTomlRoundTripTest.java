package io.castiron.etl.toml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.RunnerSpec;
import io.castiron.etl.api.v1alpha1.Stages;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.Toleration;

class PipelineTomlRoundTripTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The spec as the API server would store it: JSON text, read back. */
    private static JsonNode json(EtlPipelineSpec spec) throws Exception {
        return MAPPER.readTree(MAPPER.writeValueAsString(spec));
    }

    private static EtlPipelineSpec roundTrip(EtlPipelineSpec spec, String title) {
        String toml = PipelineToml.encode(spec, title);
        var decoded = PipelineToml.decode(toml, "encoded.toml");
        assertThat(decoded.warnings()).as(toml).isEmpty();
        assertThat(decoded.title()).isEqualTo(title);
        return decoded.spec();
    }

    private static EtlPipelineSpec javaSpec() {
        var spec = new EtlPipelineSpec();
        spec.setHandledFileGlob("*.json|.ndjson");
        spec.setStages(new Stages("a/in", "a/busy", null, "a/bad", "a/stop"));
        var java = new JavaProcessor("com.example.Splitter");
        var nodes = JsonNodeFactory.instance;
        java.setStaticKwargs(Map.of("nested", nodes.objectNode().put("n", 1).put("deep key", "x")
                        .set("list", nodes.arrayNode().add(1).add("two").add(nodes.objectNode()).add(2.5))));
        java.setEnvironmentKwargs(Map.of("token", "SPLIT_TOKEN"));
        spec.setProcessor(Processor.java(java));
        return spec;
    }

    @Test
    void fullFeaturedSpecSurvivesEncodeThenDecode() throws Exception {
        var original = PipelineToml.decode(PipelineTomlDecodeTest.fixture("full-featured.toml"), "a.toml");

        var again = roundTrip(original.spec(), original.title());

        assertThat(json(again)).isEqualTo(json(original.spec()));
    }

    @Test
    void javaSpecBuiltInCodeSurvivesEncodeThenDecode() throws Exception {
        var spec = javaSpec();
        spec.setMaxConcurrentJobs(1);
        spec.setPollInterval("250ms");
        var runner = new RunnerSpec();
        runner.setEnvFrom(List.of(new EnvFromSource(null, null, new SecretEnvSource("s1", null)),
                new EnvFromSource(null, null, new SecretEnvSource("s2", null)),
                new EnvFromSource(new ConfigMapEnvSource("c1", null), null, null)));
        runner.setResources(new ResourceRequirements(null, Map.of("memory", new Quantity("1Gi")), null));
        spec.setRunner(runner);

        assertThat(json(roundTrip(spec, null))).isEqualTo(json(spec));
    }

    @Test
    void specsFromKubectlSurviveEncodeThenDecode() throws Exception {
        // how a CR's spec reaches the operator: YAML read by Jackson, so numbers are ints and kwargs are trees
        var spec = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue("""
                enabled: true
                bucket: etl
                prefix: ""
                handledFileGlob: .xml
                stages: {inbox: in, processing: work, error: failed, canceled: 05_canceled}
                saveErrorLog: false
                processor:
                  python:
                    workerRunMethod: pkg.run
                    staticKwargs: {limit: 10, ratio: 0.5, names: [a, b], when: "2024-01-01"}
                runner:
                  resources: {}
                  tolerations: [{operator: Exists}]
                maxConcurrentJobs: 4
                pollInterval: 5s
                retention: 24h
                """, EtlPipelineSpec.class);

        assertThat(json(roundTrip(spec, null))).isEqualTo(json(spec));
    }

    @Test
    void shellScriptsAndOddTextSurviveEncodeThenDecode() throws Exception {
        var spec = new EtlPipelineSpec();
        spec.setEnabled(false);
        spec.setSaveErrorLog(true);
        spec.setHandledFileGlob("* Résumé.PDF | ?.txt");
        spec.setStages(new Stages("in box/", "wörk", "arch\"ive", "err\\or", "05_canceled"));
        spec.setProcessor(Processor.shell("#!/bin/sh\nset -eu\n\techo \"file: $ETL_FILENAME\" \\\n  | tr a b\r\n"
                + "printf '%s\\n' \"\"\"triple\"\"\" \u0001\n"));
        spec.setRetention("1h30m");
        var runner = new RunnerSpec();
        runner.setEnv(List.of(new EnvVar("MULTI", "line one\nline two", null), new EnvVar("EMPTY", "", null)));
        runner.setNodeSelector(Map.of("topology.kubernetes.io/zone", "eu-1 a"));
        spec.setRunner(runner);

        String toml = PipelineToml.encode(spec, "Title with \"quotes\" and ünïcode");

        assertThat(toml).contains("shell = \"\"\"\n#!/bin/sh\nset -eu\n\techo \"file: $ETL_FILENAME\" \\\\\n");
        assertThat(json(roundTrip(spec, "Title with \"quotes\" and ünïcode"))).isEqualTo(json(spec));
    }

    @Test
    void tomlDatesTimesInfAndNanSurviveDecodeThenEncodeAsTomlValues() throws Exception {
        var spec = PipelineToml.decode(PipelineTomlDecodeTest.fixture("typed-kwargs.toml"), "typed-kwargs.toml")
                .spec();

        assertThat(PipelineToml.encode(spec, null)).contains("offset = 1979-05-27T00:32:00.999999-07:00",
                "local = 1979-05-27T07:32:00", "day = 1979-05-27", "at = 07:32:00", "ceiling = inf",
                "floor = -inf", "unknown = nan", "in_a_list = [1979-05-27, inf]");
        assertThat(json(roundTrip(spec, null))).isEqualTo(json(spec));
    }

    @Test
    void aTaggedValueWhoseTextIsNotItsKindIsRefusedNamingTheField() {
        var spec = javaSpec();
        spec.getProcessor().getJava().setStaticKwargs(Map.of("day",
                JsonNodeFactory.instance.objectNode().put(TomlValues.DATE, "27 May 1979")));

        assertThatThrownBy(() -> PipelineToml.encode(spec, null)).hasMessageContaining(
                "spec.processor.java.staticKwargs.day is {\"$date\": \"27 May 1979\"}, which is not an ISO-8601 date");
    }

    @Test
    void encodedTomlReadsLikeTheOriginalFormat() {
        var original = PipelineToml.decode(PipelineTomlDecodeTest.fixture("full-featured.toml"), "a.toml");

        String toml = PipelineToml.encode(original.spec(), original.title());

        assertThat(toml).startsWith("""
                title = "Nightly sensor readings"

                [castiron.etl]
                enabled = false
                handled_file_glob = "*_readings.tsv | .TSV | sensor-\\\\d+\\\\.dat"
                inbox_dir = "/incoming/"
                """);
        assertThat(toml).contains("""
                [castiron.etl.python.static_kwargs]
                table_name = "readings"
                batch_size = 500
                """, """
                bounds = { low = -40, high = 85.5 }
                """, """
                "odd key.with dots" = "kept"
                """, """
                [castiron.etl.runner.node_selector]
                "kubernetes.io/arch" = "amd64"
                """, """
                [[castiron.etl.runner.tolerations]]
                key = "node.kubernetes.io/unreachable"
                """);
        assertThat(toml).doesNotContain("bucket", "prefix");
    }

    @Test
    void defaultsOfExtensionKeysAreLeftOut() {
        String toml = PipelineToml.encode(javaSpec(), null);

        assertThat(toml).startsWith("[castiron.etl]\n").doesNotContain("max_concurrent_jobs", "poll_interval",
                "retention", "[castiron.etl.runner]", "archive_dir");
        assertThat(toml).contains("canceled_dir = \"a/stop\"", "[castiron.etl.java]\nclass_name = ");
    }

    @Test
    void bucketAndPrefixAreNotTomlKeys() {
        var spec = javaSpec();
        spec.setBucket("other");
        spec.setPrefix("team/x");

        var decoded = PipelineToml.decode(PipelineToml.encode(spec, null), "x.toml").spec();

        assertThat(decoded.getBucket()).isEqualTo(EtlPipelineSpec.DEFAULT_BUCKET);
        assertThat(decoded.getPrefix()).isEmpty();
    }

    private static void assertCannotEncode(Consumer<EtlPipelineSpec> change, String... messageParts) {
        var spec = javaSpec();
        spec.setRunner(new RunnerSpec());
        change.accept(spec);
        assertThatThrownBy(() -> PipelineToml.encode(spec, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void encodeRefusesWhatTomlCannotExpressNamingTheField() {
        assertCannotEncode(s -> s.getRunner().setEnv(List.of(new EnvVar("A", "1", null), new EnvVar("PASSWORD", null,
                new EnvVarSourceBuilder().withNewSecretKeyRef("pw", "db", false).build()))),
                "spec.runner.env[1]", "PASSWORD", "valueFrom");
        assertCannotEncode(s -> s.getRunner().setEnv(List.of(new EnvVar("A", null, null))),
                "spec.runner.env[0]", "no value");
        assertCannotEncode(s -> s.getRunner().setEnv(List.of(new EnvVar("A", "1", null), new EnvVar("A", "2", null))),
                "spec.runner.env[1]", "repeats");
        assertCannotEncode(s -> s.getRunner().setEnvFrom(List.of(
                new EnvFromSource(null, "DB_", new SecretEnvSource("db", null)))), "spec.runner.envFrom[0]");
        assertCannotEncode(s -> s.getRunner().setEnvFrom(List.of(
                new EnvFromSource(null, null, new SecretEnvSource("db", true)))), "spec.runner.envFrom[0].secretRef",
                "optional");
        assertCannotEncode(s -> s.getRunner().setEnvFrom(List.of(
                new EnvFromSource(new ConfigMapEnvSource("c", null), null, null),
                new EnvFromSource(null, null, new SecretEnvSource("s", null)))), "spec.runner.envFrom[1]",
                "secret after a config map");
        assertCannotEncode(s -> s.getRunner().setResources(new ResourceRequirements(
                List.of(new ResourceClaim("gpu", null)), null, null)), "spec.runner.resources", "claims");
        assertCannotEncode(s -> s.getProcessor().getJava().setStaticKwargs(
                Map.of("gone", JsonNodeFactory.instance.nullNode())), "spec.processor.java.staticKwargs.gone", "null");
        assertCannotEncode(s -> s.getProcessor().getJava().setStaticKwargs(Map.of("huge",
                JsonNodeFactory.instance.numberNode(new java.math.BigInteger("99999999999999999999")))),
                "spec.processor.java.staticKwargs.huge", "64 bits");
        assertCannotEncode(s -> s.getRunner().setTolerations(List.of(new Toleration(), new Toleration() {
            {
                setAdditionalProperty("future", 1);
            }
        })), "spec.runner.tolerations[1]");
        assertCannotEncode(s -> s.getRunner().setSecurityContext(new io.fabric8.kubernetes.api.model.SecurityContext()),
                "spec.runner.securityContext", "kubectl");
    }
}
