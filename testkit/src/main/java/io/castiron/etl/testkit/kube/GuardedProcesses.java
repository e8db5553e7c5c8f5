package io.castiron.etl.testkit.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Starts processes that die with this JVM, even when it is killed from outside: each command runs under
 * {@code process-guard.py} (beside this class), which leads a process group of its own, gets SIGTERM from the
 * kernel when this JVM dies, and then stops the whole group (SIGTERM, a grace period, SIGKILL).
 * <p>
 * The kernel sends that signal when the <em>thread</em> that started the guard ends, not only the process, so every
 * guard is started from one thread that lives as long as the JVM.
 */
public final class GuardedProcesses {
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "guarded-process-spawner");
        thread.setDaemon(true);
        return thread;
    });
    private static Path guard;

    private GuardedProcesses() {
    }

    /**
     * Starts the builder's command under a guard. {@link Process#destroy()} then stops its whole process group,
     * giving it {@code grace} between SIGTERM and SIGKILL; {@link #killGroup} kills the group at once.
     */
    public static Process start(ProcessBuilder builder, Duration grace) throws IOException {
        var command = new ArrayList<>(List.of("python3", guardScript().toString(),
                Long.toString(ProcessHandle.current().pid()), Double.toString(grace.toMillis() / 1000.0)));
        command.addAll(builder.command());
        builder.command(command);
        try {
            return SPAWNER.submit(builder::start).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command, e);
        }
    }

    /** SIGKILL to every process of the guard's group at once: what {@code kill -9} does to a crashed container. */
    public static void killGroup(Process guarded) throws InterruptedException {
        try {
            if (guarded.isAlive()) { // a group that is gone already: nothing to say
                new ProcessBuilder("kill", "-KILL", "--", "-" + guarded.pid())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        }
        guarded.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops a guarded process (SIGTERM to its group, then SIGKILL after its grace) and waits for it. */
    public static void stop(Process guarded, Duration wait) throws InterruptedException {
        if (!guarded.isAlive()) {
            return;
        }
        guarded.destroy();
        if (!guarded.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            killGroup(guarded);
        }
    }

    private static synchronized Path guardScript() throws IOException {
        if (guard == null) {
            Path file = Files.createTempFile("castiron-process-guard", ".py");
            file.toFile().deleteOnExit();
            try (InputStream in = GuardedProcesses.class.getResourceAsStream("process-guard.py")) {
                if (in == null) {
                    throw new IllegalStateException("process-guard.py is missing beside " + GuardedProcesses.class);
                }
                Files.write(file, in.readAllBytes());
            }
            guard = file;
        }
        return guard;
    }
}
