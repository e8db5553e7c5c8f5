package io.castiron.etl.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.castiron.etl.toml.ConvertCommand;

/** What the converter prints is accepted by the CRD's schema, as checked in under crds/. */
class ConvertedPipelinesFitTheCrdTest {
    private static final CrdSchemaCheck CRD = CrdSchemaCheck.pipeline();

    private static String convert(Path toml) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = ConvertCommand.run(new String[] {toml.toString(), "--namespace", "etl"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Path resource(Path dir, String name) throws Exception {
        try (var in = ConvertedPipelinesFitTheCrdTest.class.getResourceAsStream("/toml/" + name)) {
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    @Test
    void configInTheOriginalsFormatConvertsToAnAcceptedPipeline(@TempDir Path dir) throws Exception {
        assertThat(CRD.problems(convert(resource(dir, "original-format.toml")))).isEmpty();
    }

    @Test
    void fullFeaturedConfigConvertsToAnAcceptedPipeline(@TempDir Path dir) throws Exception {
        String yaml = convert(resource(dir, "full-featured.toml"));

        assertThat(CRD.problems(yaml)).isEmpty();
        assertThat(CRD.problems(convert(resource(dir, "java-splitter.toml")))).isEmpty();
    }

    @Test
    void brokenDocumentsAreCaughtByTheChecker(@TempDir Path dir) throws Exception {
        var yaml = new ObjectMapper(new YAMLFactory());
        var doc = (ObjectNode) yaml.readTree(convert(resource(dir, "full-featured.toml")));
        var spec = (ObjectNode) doc.get("spec");
        spec.remove("handledFileGlob");
        spec.put("maxConcurrentJobs", 0);
        spec.put("pollInterval", "soon");
        spec.put("colour", "blue");
        spec.put("enabled", "yes");
        ((ObjectNode) spec.at("/runner/resources/requests")).put("cpu", true);
        ((ObjectNode) spec.at("/runner/tolerations/0")).put("tolerationSeconds", "300");
        ((ObjectNode) spec.at("/processor/python/staticKwargs")).putObject("anything").put("goes", 1);
        doc.remove("metadata");

        assertThat(CRD.problems(doc)).containsExactlyInAnyOrder(
                "$.metadata.name: required",
                "$.spec.handledFileGlob: required",
                "$.spec.maxConcurrentJobs: 0 is below the minimum 1.0",
                "$.spec.pollInterval: 'soon' does not match ^([0-9]+(ms|s|m|h))+$",
                "$.spec.colour: unknown field (the API server would drop it)",
                "$.spec.enabled: expected boolean, found string",
                "$.spec.runner.resources.requests.cpu: expected an integer or a string, found boolean",
                "$.spec.runner.tolerations[0].tolerationSeconds: expected integer, found string");
    }
}
