package io.castiron.etl.contract;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.Stages;
import io.castiron.etl.stage.StageLayout;

/**
 * Everything a runner needs to process its files, passed to its Job as environment variables: the first file in the
 * per-file variables, the files after it in a batch ({@link #moreFiles}, {@code ETL_BATCH_JSON}) when the pipeline
 * sets {@code filesPerJob}. The operator
 * writes it with {@link #toEnv()}, the runner reads it with {@link #fromEnv(Map)}: the variable names live here
 * and nowhere else. Connection settings (S3, PostgreSQL, Kafka) travel separately, see
 * {@link io.castiron.etl.config.Settings}.
 */
public record JobContract(
        String fileId,
        String etlFileName,
        String namespace,
        String pipeline,
        String bucket,
        String prefix,
        Stages stages,
        boolean saveErrorLog,
        Processor processor,
        String processingKey,
        String originalName,
        List<BatchFile> moreFiles) {

    public static final String FILE_ID = "ETL_FILE_ID";
    public static final String ETLFILE_NAME = "ETL_ETLFILE_NAME";
    public static final String NAMESPACE = "ETL_NAMESPACE";
    public static final String PIPELINE = "ETL_PIPELINE";
    public static final String BUCKET = "ETL_BUCKET";
    public static final String PREFIX = "ETL_PREFIX";
    public static final String STAGES_JSON = "ETL_STAGES_JSON";
    public static final String SAVE_ERROR_LOG = "ETL_SAVE_ERROR_LOG";
    public static final String PROCESSOR_JSON = "ETL_PROCESSOR_JSON";
    public static final String PROCESSING_KEY = "ETL_PROCESSING_KEY";
    public static final String ORIGINAL_NAME = "ETL_ORIGINAL_NAME";
    public static final String BATCH_JSON = "ETL_BATCH_JSON";

    /** A file of a batch after its first: what differs from one file of the pipeline to the next. */
    public record BatchFile(String fileId, String etlFileName, String processingKey, String originalName) {
    }

    public JobContract {
        moreFiles = List.copyOf(moreFiles);
    }

    /**
     * Writes the JSON variables (the operator); the runner reads them with {@link ContractJson} and never makes
     * this mapper (a holder class: its start-up is no part of a Job's).
     */
    private static final class Writer {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    /** The contract for one file of a pipeline. */
    public static JobContract of(String fileId, String etlFileName, String namespace, String pipeline,
            EtlPipelineSpec spec, String processingKey, String originalName) {
        return new JobContract(fileId, etlFileName, namespace, pipeline, spec.getBucket(), spec.getPrefix(),
                spec.getStages(), Boolean.TRUE.equals(spec.getSaveErrorLog()), spec.getProcessor(), processingKey,
                originalName, List.of());
    }

    /** The same Job taking {@code more} files after this contract's own, in that order. */
    public JobContract withMoreFiles(List<BatchFile> more) {
        return new JobContract(fileId, etlFileName, namespace, pipeline, bucket, prefix, stages, saveErrorLog,
                processor, processingKey, originalName, more);
    }

    /** Every file of the Job, in order, each as the contract of a Job of that one file. */
    public List<JobContract> files() {
        var files = new ArrayList<JobContract>(1 + moreFiles.size());
        files.add(moreFiles.isEmpty() ? this : withMoreFiles(List.of()));
        for (BatchFile f : moreFiles) {
            files.add(new JobContract(f.fileId(), f.etlFileName(), namespace, pipeline, bucket, prefix, stages,
                    saveErrorLog, processor, f.processingKey(), f.originalName(), List.of()));
        }
        return files;
    }

    public StageLayout layout() {
        return new StageLayout(bucket, prefix, stages);
    }

    /** The variables, in a stable order. */
    public Map<String, String> toEnv() {
        var env = new LinkedHashMap<String, String>();
        env.put(FILE_ID, fileId);
        env.put(ETLFILE_NAME, etlFileName);
        env.put(NAMESPACE, namespace);
        env.put(PIPELINE, pipeline);
        env.put(BUCKET, bucket);
        env.put(PREFIX, prefix == null ? "" : prefix);
        env.put(STAGES_JSON, toJson(stages));
        env.put(SAVE_ERROR_LOG, Boolean.toString(saveErrorLog));
        env.put(PROCESSOR_JSON, toJson(processor));
        env.put(PROCESSING_KEY, processingKey);
        env.put(ORIGINAL_NAME, originalName);
        if (!moreFiles.isEmpty()) {
            env.put(BATCH_JSON, toJson(moreFiles));
        }
        return env;
    }

    /** Reads the contract; a missing or malformed variable is an error naming it. */
    public static JobContract fromEnv(Map<String, String> env) {
        var contract = new JobContract(
                required(env, FILE_ID),
                required(env, ETLFILE_NAME),
                required(env, NAMESPACE),
                required(env, PIPELINE),
                required(env, BUCKET),
                env.getOrDefault(PREFIX, ""),
                fromJson(env, STAGES_JSON, "Stages", ContractJson::stages),
                Boolean.parseBoolean(env.getOrDefault(SAVE_ERROR_LOG, "false")),
                fromJson(env, PROCESSOR_JSON, "Processor", ContractJson::processor),
                required(env, PROCESSING_KEY),
                required(env, ORIGINAL_NAME),
                env.containsKey(BATCH_JSON)
                        ? fromJson(env, BATCH_JSON, "a list of batch files", ContractJson::batch) : List.of());
        if (contract.processor().kindsSet().size() != 1) {
            throw new ContractException(PROCESSOR_JSON, "must set exactly one of python, java, shell, found "
                    + contract.processor().kindsSet());
        }
        try {
            contract.layout();
        } catch (IllegalArgumentException e) {
            throw new ContractException(STAGES_JSON, e.getMessage());
        }
        return contract;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ContractException(name, "is not set");
        }
        return value;
    }

    private interface JsonReader<T> {
        T read(String json) throws IOException;
    }

    private static <T> T fromJson(Map<String, String> env, String name, String type, JsonReader<T> reader) {
        String text = required(env, name);
        try {
            T value = reader.read(text);
            if (value == null) {
                throw new ContractException(name, "is JSON null");
            }
            return value;
        } catch (IOException e) {
            String problem = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new ContractException(name, "is not valid JSON for " + type + ": " + problem);
        }
    }

    private static String toJson(Object value) {
        try {
            return Writer.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }

    /** A variable of the contract is missing or malformed. */
    public static final class ContractException extends IllegalArgumentException {
        private final String variable;

        public ContractException(String variable, String problem) {
            super("environment variable " + variable + " " + problem);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }
}
