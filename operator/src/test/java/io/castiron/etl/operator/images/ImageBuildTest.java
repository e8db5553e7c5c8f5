package io.castiron.etl.operator.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of the image builds without Docker (none on the machines that run the tests): the
 * Dockerfile builds from the sources in a pinned builder stage, never from the host's Maven output, pins its base
 * images, and keeps the JVM settings the images promise.
 */
class ImageBuildTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** A tag with a version number (17.0.16_8, 3.9.11, RELEASE.2025-...), not a floating one such as 17-jre. */
    private static final Pattern PINNED = Pattern.compile(
            "[^:@\\s]+:(\\d+\\.\\d+[\\w.\\-]*|RELEASE\\.[\\w.\\-]+)(@sha256:[0-9a-f]{64})?");

    @Test
    void imagesAreBuiltFromTheSourcesInABuilderStageNotFromTheHostsBuildOutput() throws IOException {
        Map<String, String> stages = stages();
        assertThat(stages).containsKeys("build", "operator", "runner");
        assertThat(stages.get("build")).as("the builder stage runs Maven on the sources")
                .contains("COPY . .").containsPattern("RUN --mount=type=cache,target=/root/.m2 \\\\\\s+mvn ");
        for (String image : List.of("operator", "runner")) {
            stages.get(image).lines().filter(l -> l.startsWith("COPY") && l.contains("target/")).forEach(copy ->
                    assertThat(copy).as(image + ": build output comes from the builder stage").contains("--from=build"));
        }
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore")))
                .as("the host's build output never enters the build context").contains("**/target/");
        assertThat(Files.readString(ROOT.resolve("Makefile")))
                .contains("docker build --target operator ").contains("docker build --target runner ");
    }

    @Test
    void baseImagesArePinnedToAVersion() throws IOException {
        Matcher arg = Pattern.compile("(?m)^ARG (BUILDER_IMAGE|BASE_IMAGE)=(\\S+)$").matcher(dockerfile());
        int images = 0;
        while (arg.find()) {
            images++;
            assertThat(arg.group(2)).as(arg.group(1)).matches(PINNED);
        }
        assertThat(images).as("builder and base image").isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void devStackImagesArePinnedAndServed() throws IOException {
        Map<String, Object> values = new Yaml().load(Files.readString(ROOT.resolve("helm/dev-stack/values.yaml")));
        for (String service : List.of("minio", "postgres", "kafka")) {
            String image = (String) ((Map<String, Object>) values.get(service)).get("image");
            assertThat(image).as(service).matches(PINNED);
        }
        assertThat((String) ((Map<String, Object>) values.get("minio")).get("image"))
                .as("Docker Hub's minio/minio is gone (September 2026)").startsWith("quay.io/minio/minio:");
    }

    @Test
    void operatorJvmExitsOnOutOfMemoryError() throws IOException {
        assertThat(stages().get("operator"))
                .containsPattern("(?m)^ENV JAVA_TOOL_OPTIONS=\"[^\"]*-XX:\\+ExitOnOutOfMemoryError");
    }

    @Test
    void runnerImageRecordsItsClassDataArchiveInTheFinalImage() throws IOException {
        assertThat(stages().get("runner")).contains("RUN [\"/opt/castiron/bin/castiron-runner\", \"cds-training\"]");
    }

    @Test
    void dockerfilesExamplesNameTheTagMakeImagesBuilds() throws IOException {
        String appVersion = Files.readAllLines(ROOT.resolve("helm/castiron-etl/Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:")).findFirst().orElseThrow()
                .replaceAll("appVersion:\\s*\"?([^\"]*)\"?", "$1");
        assertThat(Files.readString(ROOT.resolve("Makefile")))
                .as("make images tags with the chart's appVersion by default").contains("IMAGE_TAG ?= $(CHART_VERSION)");
        assertThat(dockerfile())
                .contains("#   docker build --target runner -t castiron-etl-runner:" + appVersion + " .")
                .contains("#   FROM castiron-etl-runner:" + appVersion + " ");
    }

    private static String dockerfile() throws IOException {
        return Files.readString(ROOT.resolve("Dockerfile"));
    }

    /** Each stage's lines, by the name after AS. */
    private static Map<String, String> stages() throws IOException {
        var stages = new LinkedHashMap<String, String>();
        Matcher from = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile());
        String text = dockerfile();
        String name = null;
        int start = 0;
        while (from.find()) {
            if (name != null) {
                stages.put(name, text.substring(start, from.start()));
            }
            name = from.group(1);
            start = from.start();
        }
        if (name != null) {
            stages.put(name, text.substring(start));
        }
        return stages;
    }
}
