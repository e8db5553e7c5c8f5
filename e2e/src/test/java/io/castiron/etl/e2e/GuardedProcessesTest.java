package io.castiron.etl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.castiron.etl.testkit.kube.GuardedProcesses;

/** Processes the tests start die with the JVM that started them, even when it is killed from outside. */
class GuardedProcessesTest {

    /** A JVM that starts a guarded shell with a child of its own, prints their pids and waits to be killed. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Process guarded = GuardedProcesses.start(new ProcessBuilder("sh", "-c", "sleep 600 & echo $!; wait"),
                    Duration.ofSeconds(1));
            var out = new BufferedReader(new InputStreamReader(guarded.getInputStream(), StandardCharsets.UTF_8));
            System.out.println(guarded.pid() + " " + out.readLine());
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    @Test
    void aGuardedProcessTreeDiesWhenItsJvmIsKilledWithSigkill() throws Exception {
        Process parent = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Parent.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] pids = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))
                .readLine().trim().split(" ");
        ProcessHandle guard = ProcessHandle.of(Long.parseLong(pids[0])).orElseThrow();
        ProcessHandle sleeper = ProcessHandle.of(Long.parseLong(pids[1])).orElseThrow();
        assertThat(sleeper.isAlive()).isTrue();

        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs

        await().atMost(Duration.ofSeconds(15)).until(() -> !guard.isAlive() && !sleeper.isAlive());
    }
}
