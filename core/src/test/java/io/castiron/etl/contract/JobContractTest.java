package io.castiron.etl.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import io.castiron.etl.api.v1alpha1.EtlPipelineSpec;
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
