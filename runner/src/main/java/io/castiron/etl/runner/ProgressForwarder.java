package io.castiron.etl.runner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.castiron.etl.processor.Progress;
import io.castiron.etl.runner.progress.ThrottledProgress;

/**
 * Where a file's progress goes: every update to its Kafka messages, in order (when PostgreSQL is behind, the call
 * waits, and so do the processor's writes to the pipe), and the latest state, throttled, to the PostgreSQL row and
 * the EtlFile status.
 */
final class ProgressForwarder implements Progress {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressForwarder.class);

    private final ProgressMessages messages;
    private final String fileId;
    private final ThrottledProgress stored;

    ProgressForwarder(ProgressMessages messages, String fileId, ThrottledProgress stored) {
        this.messages = messages;
        this.fileId = fileId;
        this.stored = stored;
    }

    @Override
    public void progress(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            LOG.debug("file {}: progress {} outside 0..1 ignored", fileId, fraction);
            return;
        }
        LOG.debug("file {}: progress {}", fileId, fraction);
        messages.progress(fileId, fraction);
        stored.progress(fraction);
    }

    @Override
    public void task(String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        LOG.debug("file {}: task {}", fileId, text);
        messages.task(fileId, text);
        stored.task(text);
    }

    @Override
    public void committed(long count) {
        if (count < 0) {
            return;
        }
        LOG.debug("file {}: committed {}", fileId, count);
        messages.committed(fileId, count);
        stored.committed(count);
    }
}
