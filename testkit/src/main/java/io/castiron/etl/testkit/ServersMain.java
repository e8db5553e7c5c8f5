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
 * {@code kafka stop}, {@code kafka start}, {@code s3 outage <bucket>} (every request on the bucket fails until
 * {@code s3 restore <bucket>}), {@code s3 failed-after <bucket>} (answers the milliseconds from the outage's start to
 * its latest failed request), {@code exit}. A command that answers prints {@code VALUE x} before its {@code OK}.
 * Exits when stdin closes, so it never outlives its parent.
 */
public final class ServersMain {
    public static final String READY = "READY";
    public static final String VALUE = "VALUE";

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
        Map<String, S3TestServer.Outage> outages = new TreeMap<>();
        while ((command = in.readLine()) != null) {
            String[] words = command.trim().split("\\s+");
            switch (words[0] + (words.length > 1 ? " " + words[1] : "")) {
                case "kafka stop" -> KafkaTestServer.shared().stop();
                case "kafka start" -> KafkaTestServer.shared().start();
                case "s3 outage" -> outages.put(words[2], S3TestServer.shared().outage(words[2]));
                case "s3 restore" -> outages.remove(words[2]).close();
                case "s3 failed-after" -> System.out.println(VALUE + " "
                        + outages.get(words[2]).lastFailureAfter().toMillis());
                case "exit" -> System.exit(0);
                default -> System.err.println("unknown command: " + command);
            }
            System.out.println("OK " + command.trim());
            System.out.flush();
        }
        System.exit(0);
    }
}
