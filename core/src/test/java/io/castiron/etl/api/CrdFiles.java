package io.castiron.etl.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import io.castiron.etl.api.v1alpha1.EtlFile;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/** Generates the CRD YAML from the Java classes; {@code make crds} runs {@link #main} to write {@code crds/}. */
public final class CrdFiles {
    private CrdFiles() {
    }

    /** Generates into {@code dir} and returns file name -> content of every CRD written. */
    public static Map<String, String> generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        new CRDGenerator()
                .customResourceClasses(EtlPipeline.class, EtlFile.class)
                .forCRDVersions("v1")
                .withParallelGenerationEnabled(false)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                        return printerColumnsInDeclaredOrder(crd);
                    }
                })
                .inOutputDir(dir.toFile())
                .generate();
        return read(dir);
    }

    /** The generator sorts printer columns; kubectl shows them in list order, so keep the classes' order. */
    private static HasMetadata printerColumnsInDeclaredOrder(HasMetadata crd) {
        var definition = (CustomResourceDefinition) crd;
        Class<?> type = definition.getSpec().getNames().getKind().equals("EtlFile") ? EtlFile.class : EtlPipeline.class;
        var order = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        for (var version : definition.getSpec().getVersions()) {
            version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> order.indexOf(c.getName())));
        }
        return crd;
    }

    public static Map<String, String> read(Path dir) throws IOException {
        var files = new TreeMap<String, String>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream.filter(p -> p.toString().endsWith(".yml"))::iterator) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "crds");
        for (String name : generate(dir).keySet()) {
            System.out.println("wrote " + dir.resolve(name));
        }
    }
}
