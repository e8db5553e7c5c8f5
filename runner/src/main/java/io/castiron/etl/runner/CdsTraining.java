package io.castiron.etl.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.config.Settings;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.runner.processor.PythonSettings;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * {@code cds-training}: goes through what a Job's run loads, with no server and no cluster, so that the image build
 * can record those classes in the class-data (AppCDS) archive that {@code bin/castiron-runner} starts the runner
 * with. A run reads a made-up contract from its environment and meets S3 and PostgreSQL at a closed local port
 * (each client is made and its first request fails); then {@code try} runs a shell processor that reports progress;
 * the Kubernetes client that patches progress is made last. What a closed port never reaches (the
 * clients' handling of real responses: PostgreSQL's session, MinIO's XML) is loaded from
 * {@link #CLASS_LIST}, the classes that real runs loaded. What fails here is expected; only what got loaded
 * matters, so it exits 0.
 */
final class CdsTraining {
    /** Nothing listens on port 1 of the loopback interface: requests fail at once. */
    private static final String CLOSED = "127.0.0.1:1";
    private static final String SCRIPT = "echo 'TASK training' > \"$ETL_PROGRESS_PIPE\"\n"
            + "echo 'PROGRESS 1' > \"$ETL_PROGRESS_PIPE\"\n";

    /**
     * The classes that runs against real servers loaded, one name a line (a resource beside this class); {@code make
     * cds-class-list} writes it. A name this classpath lacks is skipped, so a stale list costs start-up, not errors.
     */
    static final String CLASS_LIST = "cds-classes.txt";

    private CdsTraining() {
    }

    static int run(Path tempRoot) throws IOException {
        Path dir = LocalFiles.privateDir(tempRoot, "castiron-cds-training-");
        try {
            System.out.println("[cds-training] a run against closed ports (its errors are expected)");
            var stages = new Stages("01_inbox", "02_processing", "03_archive", "04_failed", "05_canceled");
            String id = UUID.randomUUID().toString();
            var contract = new JobContract(id, "training", "training", "training", "training", "", stages, true,
                    Processor.shell(SCRIPT), "02_processing/" + id + "-training.csv", "training.csv", List.of());
            var environment = new HashMap<>(contract.toEnv());
            environment.put(Settings.S3_ENDPOINT, "http://" + CLOSED);
            environment.put(Settings.S3_ACCESS_KEY, "training");
            environment.put(Settings.S3_SECRET_KEY, "training");
            environment.put(Settings.POSTGRES_URL, "jdbc:postgresql://" + CLOSED + "/training");
            environment.put(Settings.KAFKA_BOOTSTRAP_SERVERS, CLOSED);
            new Runner(new Runner.Options(new Retry(1, Duration.ZERO), PythonSettings.from(environment, List.of()),
                    dir, Runner.Options.DEFAULT_STATUS_INTERVAL, null)).run(environment);

            System.out.println("[cds-training] try: a shell processor that reports progress");
            Path toml = Files.writeString(dir.resolve("training.toml"), "[castiron.etl]\n"
                    + "handled_file_glob = \"*.csv\"\n"
                    + "inbox_dir = \"01_inbox\"\nprocessing_dir = \"02_processing\"\nerror_dir = \"04_failed\"\n"
                    + "shell = '''\n" + SCRIPT + "'''\n");
            Path file = Files.writeString(dir.resolve("training.csv"), "id,value\n1,2\n");
            TryCommand.run(new String[] {toml.toString(), file.toString()});

            System.out.println("[cds-training] the Kubernetes client");
            new KubernetesClientBuilder().build().close();

            loadClassList();
        } finally {
            LocalFiles.deleteTree(dir);
        }
        return 0;
    }

    /** Loads (without initializing) every class of {@link #CLASS_LIST}, so that the archive holds them. */
    private static void loadClassList() throws IOException {
        var loader = CdsTraining.class.getClassLoader();
        int loaded = 0;
        int missing = 0;
        try (var in = CdsTraining.class.getResourceAsStream(CLASS_LIST)) {
            if (in == null) {
                throw new IllegalStateException(CLASS_LIST + " is missing beside " + CdsTraining.class.getName());
            }
            for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) {
                    continue;
                }
                try {
                    Class.forName(name.strip(), false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    missing++;
                }
            }
        }
        System.out.println("[cds-training] " + CLASS_LIST + ": " + loaded + " classes loaded, " + missing
                + " not on this classpath");
    }
}
