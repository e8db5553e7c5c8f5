package io.castiron.etl.testkit.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where {@code make tools} put the control plane's binaries ({@code scripts/tools.sh dir}). */
public final class ClusterTools {
    /** Set by the Makefile (and Maven) for the tests; the environment variable for other callers. */
    public static final String PROPERTY = "castiron.tools.dir";
    public static final String ENV = "CASTIRON_TOOLS_DIR";
    static final List<String> REQUIRED = List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl",
            "helm");

    private ClusterTools() {
    }

    /** The tools' directory, or a clear error saying how to get it. */
    public static Path dir() {
        String configured = System.getProperty(PROPERTY, "");
        if (configured.isBlank()) {
            configured = System.getenv(ENV);
        }
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("the control plane's tools are not configured: run the tests with make"
                    + " test (it runs make tools and passes -D" + PROPERTY + "), or set " + ENV
                    + " to the directory `sh scripts/tools.sh dir` prints");
        }
        Path dir = Path.of(configured);
        for (String tool : REQUIRED) {
            if (!Files.isExecutable(dir.resolve(tool))) {
                throw new IllegalStateException(dir.resolve(tool) + " is missing: run make tools (builds etcd,"
                        + " kube-apiserver, kube-controller-manager, kubectl, helm and minio from the Go module"
                        + " proxy; 15-30 minutes the first time)");
            }
        }
        return dir;
    }
}
