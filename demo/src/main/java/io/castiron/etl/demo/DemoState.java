package io.castiron.etl.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a running demo tells other commands ({@code make drop}, {@code make demo-stop}, a second {@code make demo}):
 * the S3 endpoint and credentials and each pipeline's inbox, in {@code demo.properties}; the demo JVM's process id,
 * in {@code demo.pid}. Both live in the demo's state folder and are deleted when it stops.
 */
record DemoState(Path dir) {
    static final String ENDPOINT = "s3.endpoint";
    static final String ACCESS_KEY = "s3.accessKey";
    static final String SECRET_KEY = "s3.secretKey";
    static final String PIPELINES = "pipelines";

    Path propertiesFile() {
        return dir.resolve("demo.properties");
    }

    Path pidFile() {
        return dir.resolve("demo.pid");
    }

    /** The process id of a demo that is still running from this folder. */
    java.util.Optional<Long> runningPid() throws IOException {
        try {
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (NoSuchFileException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    void writePid() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(pidFile(), ProcessHandle.current().pid() + "\n");
    }

    void write(Properties properties) throws IOException {
        Path temporary = dir.resolve("demo.properties.tmp");
        try (Writer out = Files.newBufferedWriter(temporary)) {
            properties.store(out, "make demo: what make drop reads; deleted when the demo stops");
        }
        Files.move(temporary, propertiesFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    Properties read() throws IOException {
        var properties = new Properties();
        try (Reader in = Files.newBufferedReader(propertiesFile())) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no demo is running (" + propertiesFile() + " is missing): start one with"
                    + " make demo");
        }
        return properties;
    }

    static String bucketKey(String pipeline) {
        return "pipeline." + pipeline + ".bucket";
    }

    static String inboxKey(String pipeline) {
        return "pipeline." + pipeline + ".inbox";
    }

    /** Removes what says a demo is running (its own pid file only). */
    void clear() throws IOException {
        Files.deleteIfExists(propertiesFile());
        if (runningPid().map(pid -> pid == ProcessHandle.current().pid()).orElse(true)) {
            Files.deleteIfExists(pidFile());
        }
    }
}
