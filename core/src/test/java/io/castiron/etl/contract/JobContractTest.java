package io.castiron.etl.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.api.v1alpha1.Processor;
import io.castiron.etl.api.v1alpha1.PythonProcessor;
import io.castiron.etl.api.v1alpha1.Stages;

class JobContractTest {
    private static JobContract sample() {
        var spec = new EtlPipelineSpec();
        spec.setPrefix("tests");
        spec.setHandledFileGlob(".csv");
        spec.setStages(new Stages("01_inbox", "02_processing", "03_archive", "04_failed", "05_canceled"));
        spec.setSaveErrorLog(true);
        var python = new PythonProcessor("pkg.mod.run");
        python.getStaticKwargs().put("greeting", TextNode.valueOf("hi"));
        python.getEnvironmentKwargs().put("greeting", "GREETING");
        spec.setProcessor(Processor.python(python));
        return JobContract.of("6f1c", "csv-abc", "etl", "csv", spec, "tests/02_processing/6f1c-a b.csv", "a b.csv");
    }

    @Test
    void whatTheOperatorWritesTheRunnerReadsBack() throws Exception {
        var original = sample();
        var read = JobContract.fromEnv(original.toEnv());
        var json = new ObjectMapper();
        assertThat((Object) json.valueToTree(read)).isEqualTo(json.valueToTree(original));
        assertThat(read.layout().errorDir()).isEqualTo("tests/04_failed/");
    }

    @Test
    void aBatchCarriesItsFilesInOrderAndEachReadsAsItsOwnContract() {
        var batch = sample().withMoreFiles(List.of(
                new JobContract.BatchFile("7a2d", "csv-def", "tests/02_processing/7a2d-b.csv", "b.csv"),
                new JobContract.BatchFile("8b3e", "csv-ghi", "tests/02_processing/8b3e-c \"q\".csv", "c \"q\".csv")));
        var read = JobContract.fromEnv(batch.toEnv());
        assertThat(read.toEnv()).isEqualTo(batch.toEnv());
        assertThat(read.moreFiles()).isEqualTo(batch.moreFiles());
        assertThat(read.files()).extracting(JobContract::fileId).containsExactly("6f1c", "7a2d", "8b3e");
        assertThat(read.files().get(2).originalName()).isEqualTo("c \"q\".csv");
        assertThat(read.files().get(2).processor().toString()).isEqualTo(batch.processor().toString());
        assertThat(read.files()).allSatisfy(f -> assertThat(f.moreFiles()).isEmpty());
        assertThat(sample().toEnv()).doesNotContainKey(JobContract.BATCH_JSON);
    }

    @Test
    void aBatchFileWithoutAllItsFieldsIsNamed() {
        var env = new HashMap<>(sample().toEnv());
        env.put(JobContract.BATCH_JSON, "[{\"fileId\":\"7a2d\",\"etlFileName\":\"csv-def\",\"originalName\":\"b.csv\"}]");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("ETL_BATCH_JSON")
                .hasMessageContaining("processingKey");
        env.put(JobContract.BATCH_JSON, "{}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("ETL_BATCH_JSON")
                .hasMessageContaining("an array");
    }

    /** The runner reads the contract without a mapper: every field the mapper writes must come back. */
    @Test
    void everyProcessorFieldTheOperatorWritesTheRunnerReadsBack() throws Exception {
        var json = new ObjectMapper();
        var python = new PythonProcessor("pkg.mod.Worker.run");
        python.setWorkerClass("pkg.mod.Worker");
        python.setWorkerSetupMethod("setup");
        python.setSupportsMetadata(true);
        python.setSupportsPizzaTracker(false);
        python.getStaticKwargs().putAll(Map.of("text", TextNode.valueOf("hi"), "nested",
                json.readTree("{\"list\":[1,2.5,true,null,\"x\",12345678901,123456789012345678901234567890]}")));
        python.getEnvironmentKwargs().put("text", "TEXT");
        var java = new JavaProcessor("com.example.Processor");
        java.getStaticKwargs().put("limit", IntNode.valueOf(3));
        java.getEnvironmentKwargs().put("limit", "LIMIT");
        var stages = new Stages("in", "processing", null, "error", "canceled");
        for (Processor processor : List.of(Processor.python(python), Processor.java(java),
                Processor.shell("echo \"$ETL_FILENAME\""))) {
            var original = new JobContract("6f1c", "csv-abc", "etl", "csv", "bucket", "", stages, false, processor,
                    "processing/6f1c-a.csv", "a.csv", List.of());
            var read = JobContract.fromEnv(original.toEnv());
            assertThat(read.toEnv()).isEqualTo(original.toEnv());
            assertThat((Object) json.valueToTree(read)).isEqualTo(json.valueToTree(original));
        }
        // a field added to a processor class must be added to the sample above (and to ContractJson)
        for (Object kind : List.of(python, java, Processor.shell("x").getShell(),
                new Stages("in", "processing", "archive", "error", "canceled"))) {
            var properties = json.getSerializationConfig().introspect(json.constructType(kind.getClass()))
                    .findProperties().stream().map(p -> p.getName()).toList();
            var written = new ArrayList<String>();
            json.valueToTree(kind).fieldNames().forEachRemaining(written::add);
            assertThat(written).as(kind.getClass().getSimpleName()).containsAll(properties);
        }
    }

    @Test
    void unknownFieldsAndWrongTypesAreNamed() {
        var env = new HashMap<>(sample().toEnv());
        env.put(JobContract.PROCESSOR_JSON, "{\"shell\":{\"script\":\"x\",\"scirpt\":\"y\"}}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("ETL_PROCESSOR_JSON")
                .hasMessageContaining("scirpt");
        env.put(JobContract.PROCESSOR_JSON, "{\"python\":{\"workerRunMethod\":\"m.f\",\"supportsMetadata\":\"yes\"}}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("supportsMetadata");
        env.put(JobContract.PROCESSOR_JSON, "{\"shell\":{\"script\":\"x\"}} {}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("not valid JSON");
        env.put(JobContract.PROCESSOR_JSON, "null");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("JSON null");
        env.put(JobContract.PROCESSOR_JSON, sample().toEnv().get(JobContract.PROCESSOR_JSON));
        env.put(JobContract.STAGES_JSON, "{\"inbox\":\"a\",\"processing\":[]}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("ETL_STAGES_JSON")
                .hasMessageContaining("processing");
    }

    @Test
    void aMissingVariableIsNamed() {
        var env = new HashMap<>(sample().toEnv());
        env.remove(JobContract.PROCESSING_KEY);
        assertThatThrownBy(() -> JobContract.fromEnv(env))
                .isInstanceOf(JobContract.ContractException.class)
                .hasMessageContaining("ETL_PROCESSING_KEY").hasMessageContaining("not set");
    }

    @Test
    void malformedJsonIsNamed() {
        var env = new HashMap<>(sample().toEnv());
        env.put(JobContract.PROCESSOR_JSON, "{python:");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("ETL_PROCESSOR_JSON")
                .hasMessageContaining("not valid JSON");
        env.put(JobContract.PROCESSOR_JSON, "{}");
        assertThatThrownBy(() -> JobContract.fromEnv(env)).hasMessageContaining("exactly one");
    }
}
