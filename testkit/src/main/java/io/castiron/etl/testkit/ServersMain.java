package io.castiron.etl.testkit;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The test servers in a JVM of their own, for tests whose class loading cannot host them (Quarkus tests: s3proxy's
 * Guice and Quarkus' class loaders disagree about annotation classes). Prints one line
 * {@code READY NAME=value ...} with the settings environment, then obeys commands on stdin:
 * {@code kafka stop}, {@code kafka start}, {@code exit}. Exits when stdin closes, so it never outlives its parent.
 */
public final class ServersMain {
    public static final String READY = "READY";

    private ServersMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new TreeMap<>();
        env.putAll(S3TestServer.shared().settingsEnv());
        env.putAll(PostgresTestServer.shared().settingsEnv());
        env.putAll(KafkaTestServer.shared().settingsEnv());
        var line = new StringBuilder(READY);
        env.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = in.readLine()) != null) {
            switch (command.trim()) {
                case "kafka stop" -> KafkaTestServer.shared().stop();
                case "kafka start" -> KafkaTestServer.shared().start();
                case "exit" -> System.exit(0);
                default -> System.err.println("unknown command: " + command);
            }
            System.out.println("OK " + command.trim());
            System.out.flush();
        }
        System.exit(0);
    }
}
