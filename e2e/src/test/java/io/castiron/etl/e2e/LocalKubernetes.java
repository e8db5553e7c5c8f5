package io.castiron.etl.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.castiron.etl.demo.RunnerImage;
import io.castiron.etl.testkit.kube.LocalCluster;
import io.castiron.etl.testkit.kube.ProcessNode;

/**
 * The end-to-end tier's Kubernetes, one per test JVM: the real control plane ({@link LocalCluster}) with the CRDs
 * applied from {@code crds/}, and the process node running the runner image ({@link RunnerImage}) as local processes.
 */
final class LocalKubernetes {
    /** The project's root: the packaged runner and operator, the examples, the chart, crds/. */
    static final Path REPOSITORY = Path.of(System.getProperty("castiron.repo.dir", "..")).toAbsolutePath();
    private static LocalKubernetes shared;

    final LocalCluster cluster;
    final ProcessNode node;
    final RunnerImage runnerImage;

    private LocalKubernetes(LocalCluster cluster, ProcessNode node, RunnerImage runnerImage) {
        this.cluster = cluster;
        this.node = node;
        this.runnerImage = runnerImage;
    }

    static synchronized LocalKubernetes shared() throws Exception {
        if (shared == null) {
            LocalCluster cluster = LocalCluster.shared();
            Path crds = Path.of(System.getProperty("castiron.crds.dir", "../crds")).toAbsolutePath();
            cluster.run("kubectl", "apply", "-f", crds.toString());
            cluster.run("kubectl", "wait", "--for=condition=Established", "--timeout=60s", "-f", crds.toString());
            Path logs = Path.of(System.getProperty("castiron.logs.dir", "target/e2e-logs"));
            Path pods = Files.createTempDirectory("castiron-pods");
            RunnerImage runner = RunnerImage.install(REPOSITORY, pods, Files.createDirectories(logs.resolve("pods")),
                    List.of());
            var node = new ProcessNode(cluster, image -> image.equals(RunnerImage.REFERENCE)
                    ? Optional.of(new ProcessNode.Image(runner.command(), runner.env))
                    : Optional.empty(), pods, logs.resolve("pods")).start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "stop process node"));
            shared = new LocalKubernetes(cluster, node, runner);
        }
        return shared;
    }
}
