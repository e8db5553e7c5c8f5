package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.contract.RunnerExitCodes;
import io.castiron.etl.testkit.KafkaTestServer;
import io.castiron.etl.testkit.PostgresTestServer;
import io.castiron.etl.testkit.S3TestServer;
import io.castiron.etl.testkit.TestServers;

/**
 * {@code make cds-class-list}: rewrites {@link CdsTraining#CLASS_LIST}, the classes that the image build's training
 * run loads besides what its closed-port run reaches. The packaged runner runs as in the image (start script, pod
 * environment, no archive) against the test servers: a shell processor that succeeds, the Python example, a shell
 * processor that fails with an error log. The list is every class those runs loaded from the classpath or the JDK's
 * modules outside the JDK's own class-data archive; generated classes (lambdas, proxies) cannot be listed and are
 * left to the training's own run. Not a test: its name keeps it out of {@code make test}; it runs only when
 * {@code -Dcds.class.list=<file>} names the file to write.
 */
@ExtendWith(TestServers.class)
class CdsClassListWriter {
    private static final Pattern LOADED = Pattern.compile("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\] (\\S+) source: (\\S+)");

    @TempDir
    Path temp;

    @Test
    void writeTheClassList(S3TestServer s3, PostgresTestServer pg, KafkaTestServer kafka) throws Exception {
        String target = System.getProperty("cds.class.list");
        assumeTrue(target != null, "-Dcds.class.list=<file> names the list");
        var harness = new RunnerHarness(s3, pg, kafka);
        Path home = RunnerOverheadBench.installLikeTheImage(temp);
        var python = new PythonProcessor("castiron_examples.csv_rows.print_rows");
        python.setSupportsMetadata(true);
        var runs = List.of(
                harness.stage(Processor.shell("true"), "shell.csv", "id\n1\n"),
                harness.stage(Processor.python(python), "python.csv", "id\n1\n"),
                harness.stage(Processor.shell("echo failing >&2; exit 1"), "failing.csv", "id\n1\n", true, true));
        var classes = new TreeSet<String>();
        for (int i = 0; i < runs.size(); i++) {
            Path log = temp.resolve("classes-" + i + ".log");
            var builder = new ProcessBuilder("sh", RunnerOverheadBench.START_SCRIPT.toString()).redirectErrorStream(true)
                    .redirectOutput(temp.resolve("runner-" + i + ".log").toFile());
            Map<String, String> env = RunnerOverheadBench.podEnvironment(builder, home, temp);
            env.put(EtlFileStatusPatcher.IN_CLUSTER_VARIABLE, "127.0.0.1");
            env.put("KUBERNETES_SERVICE_PORT", "1");
            env.put("CASTIRON_CDS_ARCHIVE", temp.resolve("no-archive.jsa").toString());
            env.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            env.put("PYTHONPATH", RunnerHarness.EXAMPLES.resolve("python").toAbsolutePath().toString());
            env.put("PYTHONDONTWRITEBYTECODE", "1");
            env.putAll(runs.get(i).env());
            Process process = builder.start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(temp.resolve("runner-" + i + ".log")))
                    .isEqualTo(i == 2 ? RunnerExitCodes.PROCESSOR_FAILED : RunnerExitCodes.PROCESSED);
            classes.addAll(loadedOutsideTheJdkArchive(log, home));
        }
        Files.writeString(Path.of(target), String.join("\n", classes) + "\n");
        System.out.println("wrote " + classes.size() + " classes to " + target);
    }

    private static List<String> loadedOutsideTheJdkArchive(Path log, Path home) throws IOException {
        String processors = "file:" + home.resolve("processors");
        try (var lines = Files.lines(log)) {
            return lines.map(LOADED::matcher).filter(m -> m.find())
                    .filter(m -> m.group(2).startsWith("jrt:/") || m.group(2).startsWith("file:"))
                    .filter(m -> !m.group(2).startsWith(processors) && !m.group(1).contains("/"))
                    .map(m -> m.group(1))
                    .toList();
        }
    }
}
