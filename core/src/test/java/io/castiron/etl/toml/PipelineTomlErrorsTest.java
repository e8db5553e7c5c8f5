package io.castiron.etl.toml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a pipeline TOML can be wrong, and that the error names source, line and key. */
class PipelineTomlErrorsTest {
    private static final String SOURCE = "pipelines/a.toml";
    private static final String FULL = PipelineTomlDecodeTest.fixture("full-featured.toml");

    /** Where a small, valid config (below) puts each line; errors point at these. */
    private static final String SMALL = """
            title = "Small"

            [castiron.etl]
            enabled = true
            handled_file_glob = ".csv"
            inbox_dir = "in"
            processing_dir = "work"
            error_dir = "failed"

            [castiron.etl.python]
            worker_run_method = "pkg.mod.run"
            """;

    private static TomlConfigException decodeFails(String text) {
        var error = catchThrowableOfType(TomlConfigException.class, () -> PipelineToml.decode(text, SOURCE));
        assertThat(error).as("decoding should fail").isNotNull();
        assertThat(error).isInstanceOf(IllegalArgumentException.class);
        assertThat(error.sourceName()).isEqualTo(SOURCE);
        return error;
    }

    private static void assertError(TomlConfigException error, int line, String key, String reasonPart) {
        assertThat(error.line()).as(error.getMessage()).isEqualTo(line);
        assertThat(error.key()).as(error.getMessage()).isEqualTo(key);
        assertThat(error.reason()).contains(reasonPart);
        assertThat(error.getMessage()).isEqualTo(
                SOURCE + (line > 0 ? " line " + line : "") + (key != null ? ", key " + key : "") + ": "
                        + error.reason());
    }

    /** Replaces the first line starting with {@code prefix}; returns the text and that line's 1-based number. */
    private static Edited replaceLine(String text, String prefix, String replacement) {
        List<String> lines = Arrays.asList(text.split("\n", -1));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                lines.set(i, replacement);
                return new Edited(String.join("\n", lines), i + 1);
            }
        }
        throw new AssertionError("no line starts with " + prefix);
    }

    private record Edited(String text, int line) {
    }

    private static int lineOf(String text, String exactLine) {
        return Arrays.asList(text.split("\n", -1)).indexOf(exactLine) + 1;
    }

    @Test
    void wrongTypeNamesLineKeyAndBothTypes() {
        var error = decodeFails(SMALL.replace("enabled = true", "enabled = \"yes\""));

        assertThat(error.getMessage())
                .isEqualTo("pipelines/a.toml line 4, key castiron.etl.enabled: expected a boolean, found a string");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            title =                    | 1                      | title                                                    | expected a string, found an integer
            enabled =                  | "no"                   | castiron.etl.enabled                                     | expected a boolean, found a string
            handled_file_glob =        | 7                      | castiron.etl.handled_file_glob                           | expected a string, found an integer
            inbox_dir =                | true                   | castiron.etl.inbox_dir                                   | expected a string, found a boolean
            processing_dir =           | ["a"]                  | castiron.etl.processing_dir                              | expected a string, found an array
            archive_dir =              | 1.5                    | castiron.etl.archive_dir                                 | expected a string, found a float
            error_dir =                | { a = 1 }              | castiron.etl.error_dir                                   | expected a string, found a table
            canceled_dir =             | 2024-01-01             | castiron.etl.canceled_dir                                | expected a string, found a date
            save_error_log =           | "true"                 | castiron.etl.save_error_log                              | expected a boolean, found a string
            max_concurrent_jobs =      | "12"                   | castiron.etl.max_concurrent_jobs                         | expected an integer, found a string
            poll_interval =            | 90                     | castiron.etl.poll_interval                               | expected a string, found an integer
            retention =                | 1979-05-27T07:32:00Z   | castiron.etl.retention                                   | expected a string, found a date-time
            worker_run_method =        | 1                      | castiron.etl.python.worker_run_method                    | expected a string, found an integer
            worker_class =             | false                  | castiron.etl.python.worker_class                         | expected a string, found a boolean
            worker_setup_method =      | 07:30:00               | castiron.etl.python.worker_setup_method                  | expected a string, found a time
            supports_pizza_tracker =   | "yes"                  | castiron.etl.python.supports_pizza_tracker               | expected a boolean, found a string
            supports_metadata =        | 1                      | castiron.etl.python.supports_metadata                    | expected a boolean, found an integer
            db_password =              | 5                      | castiron.etl.python.environment_kwargs.db_password       | expected a string, found an integer
            image =                    | 1                      | castiron.etl.runner.image                                | expected a string, found an integer
            image_pull_policy =        | true                   | castiron.etl.runner.image_pull_policy                    | expected a string, found a boolean
            service_account_name =     | []                     | castiron.etl.runner.service_account_name                 | expected a string, found an array
            active_deadline_seconds =  | "1h"                   | castiron.etl.runner.active_deadline_seconds              | expected an integer, found a string
            backoff_limit =            | 1.5                    | castiron.etl.runner.backoff_limit                        | expected an integer, found a float
            env_from_secrets =         | "readings-db"          | castiron.etl.runner.env_from_secrets                     | expected an array, found a string
            "kubernetes.io/arch" =     | 64                     | castiron.etl.runner.node_selector."kubernetes.io/arch"   | expected a string, found an integer
            LOG_LEVEL =                | 2                      | castiron.etl.runner.env.LOG_LEVEL                        | expected a string, found an integer
            cpu =                      | true                   | castiron.etl.runner.resources.requests.cpu               | expected a quantity string such as "500m" or "1Gi", found a boolean
            key =                      | 1                      | castiron.etl.runner.tolerations[0].key                   | expected a string, found an integer
            operator =                 | 1                      | castiron.etl.runner.tolerations[0].operator              | expected a string, found an integer
            value =                    | 1                      | castiron.etl.runner.tolerations[0].value                 | expected a string, found an integer
            effect =                   | 1                      | castiron.etl.runner.tolerations[0].effect                | expected a string, found an integer
            toleration_seconds =       | "300"                  | castiron.etl.runner.tolerations[1].toleration_seconds    | expected an integer, found a string
            """)
    void wrongTypeForAnyKeyNamesThatKeyAndLine(String prefix, String badValue, String key, String reason) {
        var edited = replaceLine(FULL, prefix + " ", prefix + " " + badValue);

        assertError(decodeFails(edited.text()), edited.line(), key, reason);
    }

    @Test
    void wrongTypeInsideAnArrayNamesTheElement() {
        var edited = replaceLine(FULL, "env_from_config_maps =", "env_from_config_maps = [\"ok\", 3]");

        assertError(decodeFails(edited.text()), edited.line(), "castiron.etl.runner.env_from_config_maps[1]",
                "expected a string, found an integer");
    }

    @Test
    void wrongTypeForShellAndJavaKeys() {
        String shell = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n", "")
                .replace("error_dir = \"failed\"", "error_dir = \"failed\"\nshell = [\"echo\"]");
        assertError(decodeFails(shell), 9, "castiron.etl.shell", "expected a string, found an array");

        String java = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n",
                "[castiron.etl.java]\nclass_name = 42\n");
        assertError(decodeFails(java), 11, "castiron.etl.java.class_name", "expected a string, found an integer");

        String notATable = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n", "")
                .replace("error_dir = \"failed\"", "error_dir = \"failed\"\njava = \"com.example.P\"");
        assertError(decodeFails(notATable), 9, "castiron.etl.java", "expected a table, found a string");
    }

    @Test
    void syntaxErrorNamesTheLine() {
        var error = decodeFails(SMALL.replace("inbox_dir = \"in\"", "inbox_dir = \"in"));

        assertError(error, 6, null, "invalid TOML");
    }

    @Test
    void duplicateKeyNamesBothLines() {
        var error = decodeFails(SMALL.replace("inbox_dir = \"in\"", "inbox_dir = \"in\"\ninbox_dir = \"in2\""));

        assertError(error, 7, null, "invalid TOML: inbox_dir previously defined at line 6");
    }

    @Test
    void emptyDocumentIsAnError() {
        assertError(decodeFails(""), 0, null, "the document is empty");
        assertError(decodeFails("  \n\n"), 0, null, "the document is empty");
        assertError(decodeFails("# only a comment\n"), 0, null, "holds no keys");
    }

    @Test
    void missingEtlTableIsAnError() {
        assertError(decodeFails("title = \"x\"\n[castiron.other]\na = 1\n"), 0, "castiron.etl",
                "table [castiron.etl] is missing");
        assertError(decodeFails("[castiron]\netl = 5\n"), 2, "castiron.etl", "expected a table, found an integer");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            handled_file_glob | castiron.etl.handled_file_glob        | 3
            inbox_dir         | castiron.etl.inbox_dir                | 3
            processing_dir    | castiron.etl.processing_dir           | 3
            error_dir         | castiron.etl.error_dir                | 3
            worker_run_method | castiron.etl.python.worker_run_method | 10
            """)
    void missingRequiredKeyIsReportedAtItsTable(String key, String dottedKey, int tableLine) {
        var edited = replaceLine(SMALL, key + " =", "");

        assertError(decodeFails(edited.text()), tableLine, dottedKey, "missing; it is required");
    }

    @Test
    void missingJavaClassNameIsReportedAtItsTable() {
        String java = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n",
                "[castiron.etl.java]\n[castiron.etl.java.static_kwargs]\nx = 1\n");

        assertError(decodeFails(java), 10, "castiron.etl.java.class_name", "missing; it is required");
    }

    @Test
    void configWithNoProcessorIsAnError() {
        String none = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n", "");

        assertError(decodeFails(none), 3, "castiron.etl",
                "none of shell, [castiron.etl.python], [castiron.etl.java] is set; set exactly one");
    }

    @Test
    void configWithTwoProcessorsIsAnError() {
        String two = SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\nshell = \"cat\"");
        assertError(decodeFails(two), 9, "castiron.etl.shell",
                "[castiron.etl.python] and shell are both set; keep exactly one");

        String three = two + "[castiron.etl.java]\nclass_name = \"a.B\"\n";
        assertThat(decodeFails(three).reason())
                .isEqualTo("[castiron.etl.python] and [castiron.etl.java] and shell are all set; keep exactly one");
    }

    @Test
    void emptyShellScriptIsAnError() {
        String shell = SMALL.replace("[castiron.etl.python]\nworker_run_method = \"pkg.mod.run\"\n", "")
                .replace("error_dir = \"failed\"", "error_dir = \"failed\"\nshell = \"  \"");

        assertError(decodeFails(shell), 9, "castiron.etl.shell", "must not be empty");
    }

    @Test
    void invalidGlobNamesTheKey() {
        assertError(decodeFails(SMALL.replace("\".csv\"", "\".csv||.tsv\"")), 5, "castiron.etl.handled_file_glob",
                "has an empty alternative");
        assertError(decodeFails(SMALL.replace("\".csv\"", "\"data[0-9.csv\"")), 5, "castiron.etl.handled_file_glob",
                "without a closing ']'");
        assertError(decodeFails(SMALL.replace("\".csv\"", "\" \"")), 5, "castiron.etl.handled_file_glob",
                "must not be empty");
        assertError(decodeFails(SMALL.replace("\".csv\"", "'01_inbox/.*\\.csv'")), 5, "castiron.etl.handled_file_glob",
                "alternative '01_inbox/.*\\.csv' can match no file name");
    }

    @Test
    void invalidStageFoldersNameTheKey() {
        assertError(decodeFails(SMALL.replace("inbox_dir = \"in\"", "inbox_dir = \"../in\"")), 6,
                "castiron.etl.inbox_dir", "must not contain '.' or '..' segments");
        assertError(decodeFails(SMALL.replace("error_dir = \"failed\"", "error_dir = \"/\"")), 8,
                "castiron.etl.error_dir", "must not be empty");
        assertError(decodeFails(SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\ncanceled_dir = \".\"")),
                9, "castiron.etl.canceled_dir", "must not contain");
        assertError(decodeFails(SMALL.replace("processing_dir = \"work\"", "processing_dir = \"/in/\"")), 3,
                "castiron.etl", "stage folder 'in/' is used for two stages");
    }

    @Test
    void badDurationsNameTheKey() {
        String poll = SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\npoll_interval = \"5 minutes\"");
        assertError(decodeFails(poll), 9, "castiron.etl.poll_interval", "'5 minutes' is not a duration");

        String zero = SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\npoll_interval = \"0s\"");
        assertError(decodeFails(zero), 9, "castiron.etl.poll_interval", "must be longer than 0");

        String retention = SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\nretention = \"1d\"");
        assertError(decodeFails(retention), 9, "castiron.etl.retention", "'1d' is not a duration");
    }

    @Test
    void maxConcurrentJobsBelowOneIsAnError() {
        String zero = SMALL.replace("error_dir = \"failed\"", "error_dir = \"failed\"\nmax_concurrent_jobs = 0");
        assertError(decodeFails(zero), 9, "castiron.etl.max_concurrent_jobs", "must be between 1 and 10000, found 0");

        String huge = SMALL.replace("error_dir = \"failed\"",
                "error_dir = \"failed\"\nmax_concurrent_jobs = 99999999999");
        assertError(decodeFails(huge), 9, "castiron.etl.max_concurrent_jobs", "expected an integer between");
    }

    @Test
    void runnerValuesKubernetesWouldRejectNameTheKey() {
        var policy = replaceLine(FULL, "image_pull_policy =", "image_pull_policy = \"Sometimes\"");
        assertError(decodeFails(policy.text()), policy.line(), "castiron.etl.runner.image_pull_policy",
                "'Sometimes' is not one of Always, IfNotPresent, Never");

        var backoff = replaceLine(FULL, "backoff_limit =", "backoff_limit = -1");
        assertError(decodeFails(backoff.text()), backoff.line(), "castiron.etl.runner.backoff_limit",
                "must be at least 0");

        var batch = replaceLine(FULL, "files_per_job =", "files_per_job = 101");
        assertError(decodeFails(batch.text()), batch.line(), "castiron.etl.runner.files_per_job",
                "must be between 1 and 100");

        var deadline = replaceLine(FULL, "active_deadline_seconds =", "active_deadline_seconds = 0");
        assertError(decodeFails(deadline.text()), deadline.line(), "castiron.etl.runner.active_deadline_seconds",
                "must be at least 1");

        var quantity = replaceLine(FULL, "memory =", "memory = \"lots\"");
        assertError(decodeFails(quantity.text()), quantity.line(), "castiron.etl.runner.resources.requests.memory",
                "'lots' is not a quantity");

        var gpu = replaceLine(FULL, "\"nvidia.com/gpu\" =", "\"nvidia.com/gpu\" = -1");
        assertError(decodeFails(gpu.text()), gpu.line(), "castiron.etl.runner.resources.limits.\"nvidia.com/gpu\"",
                "at least 0");

        var effect = replaceLine(FULL, "effect =", "effect = \"NoWay\"");
        assertError(decodeFails(effect.text()), effect.line(), "castiron.etl.runner.tolerations[0].effect",
                "'NoWay' is not one of NoSchedule, PreferNoSchedule, NoExecute");

        var operator = replaceLine(FULL, "operator =", "operator = \"Like\"");
        assertError(decodeFails(operator.text()), operator.line(), "castiron.etl.runner.tolerations[0].operator",
                "'Like' is not one of Exists, Equal");
    }

    @Test
    void lineOfAKeyCountsFromOneIncludingCommentsAndBlankLines() {
        String text = "# header comment\n\n" + SMALL.replace("inbox_dir = \"in\"", "inbox_dir = 3");

        assertError(decodeFails(text), lineOf(text, "inbox_dir = 3"), "castiron.etl.inbox_dir",
                "expected a string, found an integer");
        assertThatThrownBy(() -> PipelineToml.decode(text, SOURCE)).hasMessageStartingWith(SOURCE + " line 8, ");
    }
}
