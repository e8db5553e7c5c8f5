package io.castiron.etl.runner.processor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one processor child process: its stdout and stderr are copied to the runner's, the tail of stderr is
 * kept for the error log, and {@link #stop()} ends it and every process it started.
 */
final class ChildProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    static final int STDERR_TAIL_CHARS = 64 * 1024;
    /** How long the processes get to exit after SIGTERM before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);

    private final String label;
    private Process process;
    private boolean stopRequested;

    ChildProcess(String label) {
        this.label = label;
    }

    /** Runs {@code command} to its end (or until stopped). */
    ProcessorOutcome run(List<String> command, Map<String, String> extraEnvironment, Path workDir) {
        var tail = new OutputTail(STDERR_TAIL_CHARS);
        Process started;
        synchronized (this) {
            if (stopRequested) {
                return ProcessorOutcome.stopped(null);
            }
            var builder = new ProcessBuilder(command).directory(workDir.toFile());
            builder.environment().putAll(extraEnvironment);
            try {
                started = builder.start();
            } catch (IOException e) {
                return new ProcessorOutcome(ProcessorOutcome.Result.FAILED, null,
                        "cannot start " + label + " (" + command.get(0) + "): " + e.getMessage(), e.toString());
            }
            process = started;
        }
        try {
            started.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("{}: closing stdin: {}", label, e.toString());
        }
        var pumps = List.of(
                pump(started.getInputStream(), System.out, null, label + "-stdout"),
                pump(started.getErrorStream(), System.err, tail, label + "-stderr"));
        int exitCode = waitFor(started);
        for (Thread pump : pumps) {
            try {
                // a background grandchild may keep the pipes open: do not wait for it forever
                pump.join(OUTPUT_DRAIN.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            process = null;
            if (stopRequested) {
                return ProcessorOutcome.stopped(exitCode);
            }
        }
        return ProcessorOutcome.ofExit(exitCode, tail.toString(), label);
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                // the runner stops a child through stop(), never by interrupting its waiting thread
                LOG.debug("interrupted while waiting for pid {}; still waiting", process.pid());
            }
        }
    }

    /** SIGTERM to the process and its descendants; SIGKILL to those still alive after {@link #STOP_GRACE}. */
    void stop() {
        Process running;
        synchronized (this) {
            stopRequested = true;
            running = process;
        }
        if (running != null) {
            stopTree(running, label);
        }
    }

    /** SIGTERM to {@code running} and its descendants; SIGKILL to those still alive after {@link #STOP_GRACE}. */
    static void stopTree(Process running, String label) {
        var tree = new ArrayList<ProcessHandle>();
        tree.add(running.toHandle());
        running.descendants().forEach(tree::add);
        LOG.info("stopping {} (pid {}) and {} child processes", label, running.pid(), tree.size() - 1);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                LOG.info("{}: pid {} still running {} s after SIGTERM; killing it", label, handle.pid(),
                        STOP_GRACE.toSeconds());
                handle.destroyForcibly();
            }
        }
    }

    private static Thread pump(InputStream stream, PrintStream target, OutputTail tail, String name) {
        return pump(stream, name, line -> {
            target.println(line);
            if (tail != null) {
                tail.add(line);
            }
        });
    }

    /** A daemon thread that hands each line of {@code stream} to {@code lines} until its end. */
    static Thread pump(InputStream stream, String name, Consumer<String> lines) {
        var thread = new Thread(() -> {
            try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                LOG.debug("{}: {}", name, e.toString());
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
