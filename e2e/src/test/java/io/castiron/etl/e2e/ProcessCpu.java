package io.castiron.etl.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.castiron.etl.testkit.PostgresTestServer;

/**
 * CPU time of this machine's processes for the benches, from {@code /proc/<pid>/stat} (Linux): utime and stime (the
 * process's own), cutime and cstime (its children that have exited and that it has waited for), in clock ticks.
 */
final class ProcessCpu {
    /** Nanoseconds in a clock tick ({@code getconf CLK_TCK}, 100 on most Linux machines). */
    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** What the process itself used (all its threads); 0 once it is gone. */
    static long ownNanos(long pid) {
        String[] stat = stat(Long.toString(pid));
        return stat == null ? 0 : ticks(stat, 11, 12);
    }

    /** What the process's children used that have exited and that it has waited for (reaped). */
    static long reapedChildrenNanos(long pid) {
        String[] stat = stat(Long.toString(pid));
        return stat == null ? 0 : ticks(stat, 13, 14);
    }

    /**
     * The whole tree of the process: its own CPU, its reaped children's, and the trees of its live children. A child
     * that exits while the tree is being read may be missed or counted twice: read it when the tree is quiet.
     */
    static long treeNanos(ProcessHandle process) {
        String[] stat = stat(Long.toString(process.pid()));
        if (stat == null) {
            return 0;
        }
        long nanos = ticks(stat, 11, 14);
        for (ProcessHandle child : process.children().toList()) {
            nanos += treeNanos(child);
        }
        return nanos;
    }

    /**
     * CPU used so far by each live JIT compiler thread of a JVM (its threads named "C1/C2 CompilerThread"), by thread
     * id. A compiler thread that ends between two readings drops out, so a difference can only be low.
     */
    static Map<String, Long> compilerThreadsNanos(long pid) {
        var cpu = new HashMap<String, Long>();
        List<Path> tasks;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks = list.toList();
        } catch (IOException e) {
            return cpu;
        }
        for (Path task : tasks) {
            String[] stat = stat(pid + "/task/" + task.getFileName());
            String name;
            try {
                name = Files.readString(task.resolve("comm")).strip();
            } catch (IOException e) {
                continue; // the thread ended meanwhile
            }
            if (stat != null && name.contains("CompilerThre")) {
                cpu.put(task.getFileName().toString(), ticks(stat, 11, 12));
            }
        }
        return cpu;
    }

    /** The JIT compiler threads' CPU since {@code before}, a reading of {@link #compilerThreadsNanos}. */
    static long compilerThreadsNanosSince(long pid, Map<String, Long> before) {
        long total = 0;
        for (var thread : compilerThreadsNanos(pid).entrySet()) {
            total += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        return total;
    }

    /**
     * The PostgreSQL test server's tree: its postmaster (another process, not a child of this JVM), the backends that
     * have ended, and the live ones (the operator's and this JVM's connections).
     */
    static long postgresNanos() {
        try (var c = PostgresTestServer.shared().dataSource().getConnection();
                var rs = c.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            String[] backend = stat(Integer.toString(rs.getInt(1)));
            if (backend == null) {
                return 0;
            }
            return ProcessHandle.of(Long.parseLong(backend[1])).map(ProcessCpu::treeNanos).orElse(0L);
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * {@code /proc/<pid>/stat} after "pid (comm) ", so that index 0 is field 3 (state): ppid at 1, utime, stime,
     * cutime and cstime at 11 to 14; null when it cannot be read (the process is gone).
     */
    private static String[] stat(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    private static long ticks(String[] stat, int first, int last) {
        long ticks = 0;
        for (int i = first; i <= last; i++) {
            ticks += Long.parseLong(stat[i]);
        }
        return ticks * NANOS_PER_TICK;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (getconf.waitFor() != 0) {
                throw new IllegalStateException("getconf CLK_TCK failed: " + out);
            }
            return Long.parseLong(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run getconf CLK_TCK", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running getconf", e);
        }
    }
}
