package io.castiron.etl.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a file is processed: a private temporary folder per file, the file inside keeping its name. */
public final class LocalFiles {
    static final int MAX_NAME_LENGTH = 200;
    private static final String FALLBACK_NAME = "file";

    private LocalFiles() {
    }

    /**
     * A file name that stays inside any folder it is resolved against and is still recognisable: path
     * separators become {@code _}, {@code ..} becomes {@code _}, control characters are dropped, and a long name
     * is cut from the middle so its extension stays.
     */
    public static String safeName(String originalName) {
        var name = new StringBuilder();
        String text = originalName == null ? "" : originalName;
        text.codePoints().forEach(c -> {
            if (c == '/' || c == '\\') {
                name.append('_');
            } else if (!Character.isISOControl(c)) {
                name.appendCodePoint(c);
            }
        });
        String safe = name.toString().replace("..", "_").strip();
        if (safe.isEmpty() || safe.equals(".")) {
            return FALLBACK_NAME;
        }
        if (safe.length() > MAX_NAME_LENGTH) {
            int dot = safe.lastIndexOf('.');
            String extension = dot > 0 && safe.length() - dot <= 16 ? safe.substring(dot) : "";
            safe = safe.substring(0, MAX_NAME_LENGTH - extension.length()) + extension;
        }
        return safe;
    }

    /** {@code dir/safeName(originalName)}, checked to be directly inside {@code dir}. */
    public static Path inside(Path dir, String originalName) {
        Path file = dir.resolve(safeName(originalName)).normalize();
        if (!dir.normalize().equals(file.getParent())) {
            throw new IllegalArgumentException("file name '" + originalName + "' would leave " + dir);
        }
        return file;
    }

    /** A new folder only this user can read, under {@code root}. */
    static Path privateDir(Path root, String prefix) throws IOException {
        Files.createDirectories(root);
        // createTempDirectory makes it rwx------ on POSIX file systems
        return Files.createTempDirectory(root, prefix);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder does no harm in a Job's pod
        }
    }
}
