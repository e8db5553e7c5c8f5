package io.castiron.etl.runner.processor;

import java.util.ArrayDeque;

/** The last lines of a stream, at most {@code maxChars} characters in all (older lines are dropped). */
final class OutputTail {
    private final int maxChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;
    private long dropped;

    OutputTail(int maxChars) {
        this.maxChars = maxChars;
    }

    synchronized void add(String line) {
        String kept = line.length() > maxChars ? line.substring(line.length() - maxChars) : line;
        lines.addLast(kept);
        chars += kept.length() + 1;
        while (chars > maxChars && lines.size() > 1) {
            chars -= lines.removeFirst().length() + 1;
            dropped++;
        }
    }

    @Override
    public synchronized String toString() {
        var text = new StringBuilder();
        if (dropped > 0) {
            text.append("[... ").append(dropped).append(" earlier lines not kept ...]\n");
        }
        lines.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }
}
