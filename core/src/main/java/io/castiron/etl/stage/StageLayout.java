package io.castiron.etl.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.Stages;

/**
 * Every object key of a pipeline's stages, computed in one place from bucket + prefix + stage folders.
 * Folders are normalised ("/01_inbox/" and "01_inbox" are the same) and always end in "/" here;
 * the bucket root is the empty prefix.
 */
public final class StageLayout {
    public static final String KEEP_MARKER = ".keep";
    public static final String ERROR_LOG_SUFFIX = "_error_log_.txt";

    private final String bucket;
    private final String inbox;
    private final String processing;
    private final String archive;
    private final String error;
    private final String canceled;

    public StageLayout(String bucket, String prefix, Stages stages) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be empty");
        }
        if (stages == null) {
            throw new IllegalArgumentException("stages must be set");
        }
        this.bucket = bucket;
        String base = folder("prefix", prefix, true);
        this.inbox = base + folder("inbox_dir", stages.getInbox(), false);
        this.processing = base + folder("processing_dir", stages.getProcessing(), false);
        this.archive = stages.getArchive() == null || stages.getArchive().isBlank() ? null
                : base + folder("archive_dir", stages.getArchive(), false);
        this.error = base + folder("error_dir", stages.getError(), false);
        String canceledDir = stages.getCanceled() == null ? Stages.DEFAULT_CANCELED : stages.getCanceled();
        this.canceled = base + folder("canceled_dir", canceledDir, false);
        var distinct = new ArrayList<String>();
        for (String dir : dirs()) {
            if (distinct.contains(dir)) {
                throw new IllegalArgumentException("stage folder '" + dir + "' is used for two stages");
            }
            distinct.add(dir);
        }
    }

    public static StageLayout of(EtlPipelineSpec spec) {
        return new StageLayout(spec.getBucket(), spec.getPrefix(), spec.getStages());
    }

    /** Normalises a folder to "a/b/" (or "" for an allowed empty prefix); rejects "." and ".." segments. */
    private static String folder(String key, String value, boolean emptyAllowed) {
        String trimmed = value == null ? "" : value.trim();
        var segments = new ArrayList<String>();
        for (String segment : trimmed.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(key + " '" + value + "' must not contain '.' or '..' segments");
            }
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            if (emptyAllowed) {
                return "";
            }
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return String.join("/", segments) + "/";
    }

    public String bucket() {
        return bucket;
    }

    public String inboxDir() {
        return inbox;
    }

    public String processingDir() {
        return processing;
    }

    /** The archive folder, absent when the pipeline has none (processed files are then deleted). */
    public Optional<String> archiveDir() {
        return Optional.ofNullable(archive);
    }

    public String errorDir() {
        return error;
    }

    public String canceledDir() {
        return canceled;
    }

    /** Every stage folder, in lifecycle order. */
    public List<String> dirs() {
        var dirs = new ArrayList<String>(5);
        dirs.add(inbox);
        dirs.add(processing);
        if (archive != null) {
            dirs.add(archive);
        }
        dirs.add(error);
        dirs.add(canceled);
        return dirs;
    }

    public String keepKey(String dir) {
        return dir + KEEP_MARKER;
    }

    public String inboxKey(String fileName) {
        return inbox + fileName;
    }

    /** The name a file carries once staged: {@code <fileId>-<originalName>}. */
    public static String stagedName(String fileId, String originalName) {
        return fileId + "-" + originalName;
    }

    public String processingKey(String fileId, String originalName) {
        return processing + stagedName(fileId, originalName);
    }

    public Optional<String> archiveKey(String fileId, String originalName) {
        return archiveDir().map(dir -> dir + stagedName(fileId, originalName));
    }

    public String errorKey(String fileId, String originalName) {
        return error + stagedName(fileId, originalName);
    }

    public String canceledKey(String fileId, String originalName) {
        return canceled + stagedName(fileId, originalName);
    }

    /** The error log beside a failed file: its staged name with '.' replaced by '_', plus {@code _error_log_.txt}. */
    public String errorLogKey(String fileId, String originalName) {
        return error + stagedName(fileId, originalName).replace('.', '_') + ERROR_LOG_SUFFIX;
    }

    /** The file name of a key that sits directly in the inbox folder (not in a sub-folder), else empty. */
    public Optional<String> inboxFileName(String key) {
        return nameDirectlyIn(inbox, key);
    }

    /** The file name of a key that sits directly in the processing folder, else empty. */
    public Optional<String> processingFileName(String key) {
        return nameDirectlyIn(processing, key);
    }

    private static Optional<String> nameDirectlyIn(String dir, String key) {
        if (key == null || !key.startsWith(dir)) {
            return Optional.empty();
        }
        String name = key.substring(dir.length());
        return name.isEmpty() || name.contains("/") ? Optional.empty() : Optional.of(name);
    }

    @Override
    public String toString() {
        return bucket + ":" + dirs();
    }
}
