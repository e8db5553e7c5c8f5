package io.castiron.etl.runner.progress;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.processor.Progress;

/**
 * The named pipe a processor writes progress lines to, and the thread that reads them.
 *
 * <p>The runner holds the pipe open for reading <em>and</em> writing: a processor that opens it to write never
 * blocks (there is always a reader), and when a writer closes it the reader sees no end of file, so any number
 * of writers may open and close it in turn. {@link #close()} writes a unique end marker behind whatever the
 * processor wrote, so every line written before the processor exited is read before the pipe goes away.
 */
public final class ProgressPipe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressPipe.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final Path path;
    private final RandomAccessFile pipe;
    private final Thread reader;
    private final String endMarker = "castiron-end-" + UUID.randomUUID();

    private ProgressPipe(Path path, Progress sink) throws IOException {
        this.path = path;
        this.pipe = new RandomAccessFile(path.toFile(), "rw");
        this.reader = new Thread(() -> read(sink), "progress-pipe");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Makes the FIFO at {@code path} (with mkfifo) and starts reading it into {@code sink}. */
    public static ProgressPipe open(Path path, Progress sink) throws IOException {
        mkfifo(path);
        return new ProgressPipe(path, sink);
    }

    public Path path() {
        return path;
    }

    private void read(Progress sink) {
        try (var in = new BufferedReader(new InputStreamReader(new FileInputStream(pipe.getFD()),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals(endMarker)) {
                    return;
                }
                var update = ProgressLine.parse(line);
                if (update.isPresent()) {
                    update.get().applyTo(sink);
                } else if (!line.isBlank()) {
                    LOG.debug("progress pipe {}: ignored line '{}'", path, line);
                }
            }
        } catch (IOException e) {
            LOG.debug("progress pipe {} closed: {}", path, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("progress pipe {}: reporting progress failed, progress is no longer forwarded: {}", path,
                    e.toString());
        }
    }

    /** Reads what is still in the pipe (bounded), then stops the reader and closes the pipe. */
    @Override
    public void close() {
        try {
            // the leading newline ends a last line a processor left unterminated
            var out = new FileOutputStream(pipe.getFD());
            out.write(("\n" + endMarker + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            reader.join(DRAIN_TIMEOUT.toMillis());
            if (reader.isAlive()) {
                LOG.warn("progress pipe {}: not drained within {} s; later lines are dropped", path,
                        DRAIN_TIMEOUT.toSeconds());
            }
        } catch (IOException e) {
            LOG.debug("progress pipe {}: cannot write its end marker: {}", path, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                pipe.close();
            } catch (IOException e) {
                LOG.debug("progress pipe {}: close failed: {}", path, e.toString());
            }
        }
    }

    private static void mkfifo(Path path) throws IOException {
        Process process = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the progress pipe " + path, e);
        }
    }
}
