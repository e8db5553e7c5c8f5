package io.castiron.etl.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories, free ports, and the JVM-exit cleanup of the test servers. Shutdown hooks run
 * concurrently, so there is one: it stops the servers first, in reverse order of start, and only then deletes
 * their directories (a broker whose log directory vanishes under it halts the JVM, failing the test run).
 */
final class TestFiles {
    private static final Deque<Runnable> STOPS = new ArrayDeque<>();
    private static final List<Path> DIRS = new ArrayList<>();
    private static boolean hooked;

    private TestFiles() {
    }

    /** Runs {@code stop} at JVM exit, before any directory of {@link #tempDir} is deleted. */
    static synchronized void onExit(Runnable stop) {
        hook();
        STOPS.push(stop);
    }

    private static void hook() {
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(TestFiles::cleanUp, "stop test servers"));
        }
    }

    private static void cleanUp() {
        List<Runnable> stops;
        List<Path> dirs;
        synchronized (TestFiles.class) {
            stops = new ArrayList<>(STOPS);
            dirs = new ArrayList<>(DIRS);
        }
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println("stopping a test server failed: " + e);
            }
        }
        dirs.forEach(TestFiles::deleteTree);
    }

    /** A new temporary directory, deleted with its content when the JVM exits (after the servers stop). */
    static synchronized Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            hook();
            DIRS.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for " + prefix, e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit; the OS cleans the temp directory eventually
        }
    }

    /** A loopback port that was free a moment ago (for servers that must know their port before binding). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
