package io.castiron.etl.runner.processor;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The interpreter ({@code ETL_PYTHON}, default {@code python3}) and module search path: {@code PYTHONPATH} of the
 * runner's environment, then {@code ETL_PYTHONPATH}, then {@code extraPath} (e.g. the examples in tests); relative
 * entries are taken from the runner's working directory.
 */
public record PythonSettings(String executable, List<Path> extraPath) {
    public static final String PYTHON = "ETL_PYTHON";
    public static final String PYTHONPATH = "ETL_PYTHONPATH";

    public static PythonSettings from(Map<String, String> environment, List<Path> extraPath) {
        String executable = environment.getOrDefault(PYTHON, "");
        return new PythonSettings(executable.isBlank() ? "python3" : executable, List.copyOf(extraPath));
    }

    String pythonPath(Map<String, String> environment) {
        var entries = new ArrayList<String>();
        for (String variable : List.of("PYTHONPATH", PYTHONPATH)) {
            String value = environment.get(variable);
            if (value == null || value.isBlank()) {
                continue;
            }
            // the child runs in its own folder: relative entries mean relative to where the runner started
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
        }
        extraPath.forEach(p -> entries.add(p.toAbsolutePath().toString()));
        return String.join(File.pathSeparator, entries);
    }
}
