package io.castiron.etl.operator.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of the image builds without Docker (none on the machines that run the tests): the
 * Dockerfiles build from the sources in a pinned builder stage, never from the host's Maven output, pin their base
 * images, and keep the JVM settings the images promise.
 */
class ImageBuildTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Path> DOCKERFILES = List.of(ROOT.resolve("operator/Dockerfile"),
            ROOT.resolve("runner/Dockerfile"));
    /** A tag with a version number (17.0.16_8, 3.9.11, RELEASE.2025-...), not a floating one such as 17-jre. */
    private static final Pattern PINNED = Pattern.compile("[^:@\\s]+:(\\d+\\.\\d+[\\w.\\-]*|RELEASE\\.[\\w.\\-]+)(@sha256:[0-9a-f]{64})?");

    @Test
    void imagesAreBuiltFromTheSourcesInABuilderStageNotFromTheHostsBuildOutput() throws IOException {
        for (Path dockerfile : DOCKERFILES) {
            String text = Files.readString(dockerfile);
            assertThat(text).as(dockerfile + ": a Maven builder stage").contains("FROM ${BUILDER_IMAGE} AS build")
                    .containsPattern("RUN --mount=type=cache,target=/root/.m2 \\\\\\s+mvn ");
            text.lines().filter(l -> l.startsWith("COPY") && l.contains("target/")).forEach(copy ->
                    assertThat(copy).as(dockerfile + ": build output comes from the builder stage").contains("--from=build"));
        }
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore")))
                .as("the host's build output never enters the build context").contains("**/target/");
    }

    @Test
    void baseImagesArePinnedToAVersion() throws IOException {
        for (Path dockerfile : DOCKERFILES) {
            Matcher arg = Pattern.compile("(?m)^ARG (BUILDER_IMAGE|BASE_IMAGE)=(\\S+)$").matcher(Files.readString(dockerfile));
            int images = 0;
            while (arg.find()) {
                images++;
                assertThat(arg.group(2)).as(dockerfile + " " + arg.group(1)).matches(PINNED);
            }
            assertThat(images).as(dockerfile + ": builder and base image").isEqualTo(2);
        }
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
        assertThat(Files.readString(ROOT.resolve("operator/Dockerfile")))
                .containsPattern("(?m)^ENV JAVA_TOOL_OPTIONS=\"[^\"]*-XX:\\+ExitOnOutOfMemoryError");
    }

    @Test
    void runnerImageKeepsItsClassDataArchive() throws IOException {
        assertThat(Files.readString(ROOT.resolve("runner/Dockerfile")))
                .contains("RUN [\"/opt/castiron/bin/castiron-runner\", \"cds-training\"]");
    }

    @Test
    void runnerDockerfilesExampleNamesTheTagMakeImagesBuilds() throws IOException {
        String appVersion = Files.readAllLines(ROOT.resolve("helm/castiron-etl/Chart.yaml")).stream()
                .filter(l -> l.startsWith("appVersion:")).findFirst().orElseThrow()
                .replaceAll("appVersion:\\s*\"?([^\"]*)\"?", "$1");
        assertThat(Files.readString(ROOT.resolve("Makefile")))
                .as("make images tags with the chart's appVersion by default").contains("IMAGE_TAG ?= $(CHART_VERSION)");
        assertThat(Files.readString(ROOT.resolve("runner/Dockerfile")))
                .contains("#   docker build -f runner/Dockerfile -t castiron-etl-runner:" + appVersion + " .")
                .contains("#   FROM castiron-etl-runner:" + appVersion + " ");
    }
}
