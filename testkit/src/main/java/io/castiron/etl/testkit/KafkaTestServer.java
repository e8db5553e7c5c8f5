package io.castiron.etl.testkit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A single-node Kafka (KRaft, combined broker + controller) in this JVM on fixed free loopback ports, so that
 * {@link #stop()} and {@link #start()} simulate a broker outage clients recover from. One per JVM:
 * {@link #shared()}.
 */
public final class KafkaTestServer {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestServer.class);
    private static final int NODE_ID = 1;
    private static final String CLUSTER_ID = "castiron-etl-testkit-0";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static KafkaTestServer shared;

    private final Path logDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private KafkaTestServer() throws Exception {
        // A broker that hits a fatal error halts its JVM; in a test JVM that must fail a test, not the run.
        Exit.setExitProcedure((code, message) -> LOG.error("Kafka test server asked to exit({}): {}", code, message));
        Exit.setHaltProcedure((code, message) -> LOG.error("Kafka test server asked to halt({}): {}", code, message));
        logDir = TestFiles.tempDir("castiron-kafka-");
        brokerPort = TestFiles.freePort();
        controllerPort = TestFiles.freePort();
        format();
        start();
        TestFiles.onExit(this::stop);
    }

    /** The JVM's Kafka broker, started on first use. */
    public static synchronized KafkaTestServer shared() {
        if (shared == null) {
            try {
                shared = new KafkaTestServer();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the Kafka test server: " + e.getMessage(), e);
            }
        }
        return shared;
    }

    /** {@code 127.0.0.1:<port>}; the same across {@link #stop()} / {@link #start()}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** The core Settings variable that points at this broker. */
    public Map<String, String> settingsEnv() {
        return Map.of(SettingsEnvNames.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers());
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Starts the broker (again) on the same ports and data, and returns once it answers clients. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        long started = System.nanoTime();
        var raftServer = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(), false), Time.SYSTEM);
        raftServer.startup();
        server = raftServer;
        awaitReady();
        LOG.info("Kafka test server at {} started in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Shuts the broker down (clients see connection refused) until {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        LOG.info("Kafka test server at {} stopped", bootstrapServers());
    }

    /** Creates a topic with one partition, unless it exists. */
    public void createTopic(String topic) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    /** Every record now on {@code topic} (from the beginning), empty when the topic does not exist. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        try (var consumer = consumer()) {
            var partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return List.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            var records = new ArrayList<ConsumerRecord<String, String>>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading topic " + topic + " up to offsets " + end
                            + " took over 10 s; got " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Reads {@code topic} from the beginning until it holds at least {@code count} records or {@code timeout}
     * passes, and returns what it read (possibly fewer: the caller asserts).
     */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, int count, Duration timeout) {
        var records = new ArrayList<ConsumerRecord<String, String>>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var consumer = consumer()) {
            List<TopicPartition> partitions = List.of();
            while (records.size() < count && System.nanoTime() < deadline) {
                if (partitions.isEmpty()) {
                    partitions = partitions(consumer, topic);
                    if (partitions.isEmpty()) {
                        pause(); // the topic does not exist yet (a consumer without partitions cannot poll)
                        continue;
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a topic", e);
        }
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (var entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String topic) {
        var infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private KafkaConsumer<String, String> consumer() {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private Admin admin() {
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(props);
    }

    /** The broker accepts client requests once a describeCluster lists it. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
            }
        }
        throw new IllegalStateException("Kafka test server at " + bootstrapServers() + " did not become ready within "
                + READY_TIMEOUT + (last == null ? "" : ": " + last), last);
    }

    /** Writes meta.properties and the bootstrap metadata, as {@code kafka-storage.sh format} does. */
    private void format() throws Exception {
        new Formatter()
                .setNodeId(NODE_ID)
                .setClusterId(CLUSTER_ID)
                .setDirectories(Set.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setControllerListenerName("CONTROLLER")
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .run();
    }

    private Properties brokerProperties() {
        var props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("metadata.log.dir", logDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        props.put("controlled.shutdown.enable", "false");
        // a restarted broker waits out its previous incarnation's session; keep that short for stop()/start()
        props.put("broker.session.timeout.ms", "1500");
        props.put("broker.heartbeat.interval.ms", "300");
        return props;
    }
}
