package io.castiron.examples;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import io.castiron.etl.processor.FileProcessor;
import io.castiron.etl.processor.ProcessorInput;

/**
 * Prints the rows of a CSV file, each prefixed with the {@code row_prefix} kwarg: the Java twin of
 * {@code castiron_examples.csv_rows.print_rows}. Reports progress by bytes read and the rows printed as
 * committed. (Splits on commas only: an example, not a CSV parser.)
 */
public final class CsvRowPrinter implements FileProcessor {

    @Override
    public void process(ProcessorInput input) throws Exception {
        String prefix = input.kwarg("row_prefix", "row");
        long size = Math.max(1, Files.size(input.file()));
        long bytesRead = 0;
        long rows = 0;
        input.progress().task("printing rows of " + input.originalName());
        try (BufferedReader reader = Files.newBufferedReader(input.file(), StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null) {
                System.out.println(input.originalName() + ": empty file");
                return;
            }
            bytesRead += header.length() + 1;
            System.out.println(input.originalName() + ": columns " + String.join(", ", header.split(",")));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows++;
                bytesRead += line.length() + 1;
                System.out.println(prefix + " " + rows + ": " + String.join(" | ", line.split(",", -1)));
                input.progress().progress(Math.min(1.0, (double) bytesRead / size));
            }
        }
        input.progress().committed(rows);
        System.out.println(input.originalName() + ": " + rows + " rows");
    }
}
