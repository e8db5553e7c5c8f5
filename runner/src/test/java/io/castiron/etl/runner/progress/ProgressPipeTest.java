package io.castiron.etl.runner.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.castiron.etl.processor.Progress;

class ProgressPipeTest {
    @TempDir
    Path temp;

    /** Records every update as text. */
    static final class Recording implements Progress {
        final List<String> updates = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void progress(double fraction) {
            updates.add("progress " + fraction);
        }

        @Override
        public void task(String text) {
            updates.add("task " + text);
        }

        @Override
        public void committed(long count) {
            updates.add("committed " + count);
        }
    }

    @Test
    void readsEveryLineOfWritersThatOpenAndCloseThePipeInTurn() throws Exception {
        var recording = new Recording();
        Path pipe = temp.resolve("progress.pipe");
        try (var progress = ProgressPipe.open(pipe, recording)) {
            // each echo opens, writes and closes the pipe; the last line has no newline
            var writer = new ProcessBuilder("sh", "-c", "echo 'TASK first' > \"$P\"; echo 'not a protocol line' > \"$P\";"
                    + " echo 'PROGRESS 1/4' > \"$P\"; printf 'END\\nCOMMITTED 7\\nPROGRESS 2 / 4\\n' > \"$P\";"
                    + " printf 'TASK last' > \"$P\"");
            writer.environment().put("P", pipe.toString());
            assertThat(writer.inheritIO().start().waitFor()).isZero();
        }
        assertThat(recording.updates).containsExactly("task first", "progress 0.25", "committed 7", "progress 0.5",
                "task last");
    }

    @Test
    void closesCleanlyWhenNothingWasWritten() throws Exception {
        var recording = new Recording();
        try (var progress = ProgressPipe.open(temp.resolve("idle.pipe"), recording)) {
            assertThat(progress.path()).exists();
        }
        assertThat(recording.updates).isEmpty();
    }
}
