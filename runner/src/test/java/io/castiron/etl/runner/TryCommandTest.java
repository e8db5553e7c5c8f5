package io.castiron.etl.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.contract.RunnerExitCodes;

/** What {@code make try} tells a person writing a pipeline, for each way it can go. */
class TryCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int tryIt(Path toml, Path file) {
        return TryCommand.run(new String[] {toml.toString(), file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path pipeline(String archiveLine) throws Exception {
        return Files.writeString(dir.resolve("count.toml"), """
                [castiron.etl]
                handled_file_glob = ".txt"
                inbox_dir = "01_inbox"
                processing_dir = "02_processing"
                %s
                error_dir = "04_failed"
                shell = "wc -l < \\"$ETL_FILENAME\\""
                """.formatted(archiveLine));
    }

    private Path data() throws Exception {
        return Files.writeString(dir.resolve("lines.txt"), "one\ntwo\n");
    }

    @Test
    void aMissingTomlIsNoSuchFile() throws Exception {
        Path missing = dir.resolve("nowhere.toml");

        assertThat(tryIt(missing, data())).isEqualTo(RunnerExitCodes.BAD_CONTRACT);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cannot read " + missing + ": no such file\n");
    }

    @Test
    void aMissingDataFileIsNoSuchFile() throws Exception {
        Path missing = dir.resolve("nothing.txt");

        assertThat(tryIt(pipeline(""), missing)).isEqualTo(RunnerExitCodes.BAD_CONTRACT);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("cannot read " + missing + ": no such file\n");
    }

    @Test
    void withoutArchiveDirAProcessedFileWouldBeDeleted() throws Exception {
        assertThat(tryIt(pipeline(""), data())).as(err.toString(StandardCharsets.UTF_8))
                .isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("(in a Job the file would be deleted: the pipeline has no archive_dir)")
                .doesNotContain("archive (");
    }

    @Test
    void withArchiveDirAProcessedFileWouldGoThere() throws Exception {
        assertThat(tryIt(pipeline("archive_dir = \"03_archive\""), data())).isEqualTo(RunnerExitCodes.PROCESSED);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("(in a Job the file would go to archive (03_archive/))");
    }
}
