package io.castiron.etl.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link ServersMain} in a child JVM on this JVM's test class path and talks to it. One per JVM, shared
 * across class loaders through a system property (Quarkus loads test classes more than once).
 */
public final class ChildServers {
    private static final String KEY = "castiron.testkit.child-servers";

    private final Process process;
    private final Writer commands;
    private final BufferedReader replies;
    private final Map<String, String> settingsEnv;

    private ChildServers(Process process, Writer commands, BufferedReader replies, Map<String, String> settingsEnv) {
        this.process = process;
        this.commands = commands;
        this.replies = replies;
        this.settingsEnv = settingsEnv;
    }

    /** The JVM's child servers, started on first use (about 5-10 s). */
    @SuppressWarnings("unchecked")
    public static Map<String, String> sharedSettingsEnv() {
        synchronized (System.getProperties()) {
            Object existing = System.getProperties().get(KEY);
            if (existing instanceof Map<?, ?> map) {
                return (Map<String, String>) map;
            }
            ChildServers servers = start();
            Map<String, String> env = Collections.unmodifiableMap(new HashMap<>(servers.settingsEnv));
            System.getProperties().put(KEY, env);
            System.getProperties().put(KEY + ".control",
                    (java.util.function.UnaryOperator<String>) servers::command);
            return env;
        }
    }

    /**
     * Sends a command ({@link ServersMain}'s list) to the shared child and waits for it to be done.
     *
     * @return what the command answered, or null
     */
    @SuppressWarnings("unchecked")
    public static String control(String command) {
        sharedSettingsEnv();
        return ((java.util.function.UnaryOperator<String>) System.getProperties().get(KEY + ".control"))
                .apply(command);
    }

    private static ChildServers start() {
        String classPath = testkitClassPath();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", classPath, ServersMain.class.getName()));
        try {
            Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            var replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            var commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            String line;
            while ((line = replies.readLine()) != null && !line.startsWith(ServersMain.READY)) {
                System.out.println("[test servers] " + line);
            }
            if (line == null) {
                throw new IllegalStateException("the test servers' JVM exited before it was ready (exit code "
                        + process.waitFor() + ")");
            }
            var env = new HashMap<String, String>();
            for (String pair : line.substring(ServersMain.READY.length()).trim().split(" ")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            var servers = new ChildServers(process, commands, replies, env);
            Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "stop child test servers"));
            return servers;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test servers' JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the test servers", e);
        }
    }

    /** This module's classes plus its runtime dependencies, as written at build time (see the pom). */
    private static String testkitClassPath() {
        try (var in = ChildServers.class.getResourceAsStream("classpath.txt")) {
            if (in == null) {
                throw new IllegalStateException("testkit's classpath.txt is missing: build the testkit module with Maven");
            }
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String self = Path.of(ChildServers.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            return self + java.io.File.pathSeparator + dependencies;
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot read testkit's class path: " + e.getMessage(), e);
        }
    }

    /** Sends a command and waits for it to be done; returns what it answered ({@code ServersMain.VALUE}), or null. */
    private synchronized String command(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
            String line;
            String value = null;
            while ((line = replies.readLine()) != null && !line.equals("OK " + command)) {
                if (line.startsWith(ServersMain.VALUE)) {
                    value = line.substring(ServersMain.VALUE.length()).trim();
                } else {
                    System.out.println("[test servers] " + line);
                }
            }
            if (line == null) {
                throw new IllegalStateException("the test servers' JVM exited during '" + command + "'");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException("cannot send '" + command + "' to the test servers: " + e.getMessage(), e);
        }
    }

    private void close() {
        try {
            commands.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
