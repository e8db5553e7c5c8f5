package io.castiron.etl.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.castiron.etl.demo.RunnerImage;
import io.castiron.etl.contract.JobContract;
import io.castiron.etl.runner.Retry;
import io.castiron.etl.runner.Runner;
import io.castiron.etl.runner.processor.PythonSettings;
import io.fabric8.kubernetes.client.KubernetesClient;

/** How the Job stand-in runs a Job's container: the runner in this JVM, or the packaged runner as its own process. */
final class Pods {
    private Pods() {
    }

    /** One container run: {@link #run} blocks until it exits; {@link #stop} is the pod's SIGTERM. */
    interface Pod {
        int run(Map<String, String> env) throws Exception;

        void stop();
    }

    /** The runner called in this JVM, isolated by its own environment map and {@link Runner} instance. */
    static Supplier<Pod> inProcess(Map<String, String> image, Path tmp, KubernetesClient client) {
        return () -> {
            var runner = new Runner(new Runner.Options(Retry.DEFAULT, PythonSettings.from(image, List.of()), tmp,
                    Runner.Options.DEFAULT_STATUS_INTERVAL, () -> client));
            return new Pod() {
                @Override
                public int run(Map<String, String> env) {
                    return runner.run(env);
                }

                @Override
                public void stop() {
                    runner.requestStop();
                }
            };
        };
    }

    /**
     * The packaged runner started as the image starts it: its start script ({@code runner/bin/castiron-runner}, the
     * image's entrypoint, with its JVM options and a class-data archive recorded first, as the image build does), a
     * pod's environment only (nothing inherited from this JVM), the API server reached as from a pod.
     */
    static Supplier<Pod> childProcess(Map<String, String> image, Path tmp, String apiServerUrl) throws Exception {
        Path logs = Files.createDirectories(Path.of(System.getProperty("castiron.logs.dir", "target/e2e-logs"))
                .resolve("pods"));
        RunnerImage runner = RunnerImage.install(LocalKubernetes.REPOSITORY, tmp, logs, List.of());
        Path script = runner.script;
        Map<String, String> pod = new HashMap<>(image);
        pod.putAll(runner.env);
        pod.put("PATH", System.getenv("PATH"));
        pod.put("HOME", tmp.toString());
        // What a pod has to reach the API server: the in-cluster variable, here pointed at the mock, and a token.
        pod.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        pod.put("KUBERNETES_MASTER", apiServerUrl);
        pod.put("KUBERNETES_AUTH_TOKEN", "e2e-runner");
        pod.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        return () -> new Pod() {
            private volatile Process process;

            @Override
            public int run(Map<String, String> env) throws Exception {
                var all = new HashMap<>(pod);
                all.putAll(env);
                String job = env.getOrDefault(JobContract.ETLFILE_NAME, "job-" + System.nanoTime());
                process = startProcess(script, all, List.of(), logs.resolve(job + ".log"));
                return process.waitFor();
            }

            @Override
            public void stop() {
                Process p = process;
                if (p != null) {
                    p.destroy();
                }
            }
        };
    }

    private static Process startProcess(Path script, Map<String, String> env, List<String> args, Path log)
            throws IOException {
        var command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }
}
