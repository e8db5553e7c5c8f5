package io.castiron.etl.toml;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import io.castiron.etl.api.ResourceNames;
import io.castiron.etl.api.v1alpha1.EtlPipeline;
import io.castiron.etl.api.v1alpha1.PipelineValidation;

/**
 * {@code ConvertCommand <file.toml> [--name N] [--namespace NS] [--bucket B] [--prefix P]}: prints the
 * EtlPipeline for a pipeline TOML as YAML for {@code kubectl apply -f -}. Warnings go to stderr; a bad config
 * prints its error to stderr and exits 2.
 */
public final class ConvertCommand {
    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_INPUT = 2;
    static final String USAGE = "usage: ConvertCommand <file.toml> [--name N] [--namespace NS] [--bucket B] "
            + "[--prefix P]";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .stringQuotingChecker(new PlainOnlyWhenUnambiguous())
            .build());

    private ConvertCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Does what {@link #main} does and returns the exit code instead of exiting. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return EXIT_BAD_INPUT;
        }
        if (options == null) {
            out.println(USAGE);
            return EXIT_OK;
        }
        String text;
        try {
            text = Files.readString(options.toml());
        } catch (NoSuchFileException e) {
            err.println("cannot read " + options.toml() + ": no such file");
            return EXIT_BAD_INPUT;
        } catch (IOException | UncheckedIOException e) {
            err.println("cannot read " + options.toml() + ": " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        try {
            PipelineConfig config = PipelineToml.decode(text, options.toml().toString());
            config.warnings().forEach(err::println);
            out.print(toYaml(config, options));
            return EXIT_OK;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return EXIT_BAD_INPUT;
        }
    }

    /**
     * The EtlPipeline YAML for a decoded config. The default name is the one the operator gives the same file
     * in the config bucket at {@code <prefix>/<file name>}, so both ways in land on one resource.
     */
    static String toYaml(PipelineConfig config, Options options) {
        config.spec().setBucket(options.bucket());
        config.spec().setPrefix(options.prefix());
        List<String> problems = PipelineValidation.problems(config.spec());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(options.toml() + ": " + String.join("; ", problems));
        }
        String key = options.prefix().isEmpty() ? options.toml().getFileName().toString()
                : options.prefix() + "/" + options.toml().getFileName();
        String name = options.name() != null ? options.name() : ResourceNames.pipelineNameFor(key);
        return toYaml(config.toResource(name, options.namespace()));
    }

    /** A pipeline as YAML without status, nulls or empty maps and lists (kwargs values are kept as they are). */
    public static String toYaml(EtlPipeline pipeline) {
        ObjectNode tree = JSON.valueToTree(pipeline);
        tree.remove("status");
        prune(tree);
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always has a YAML form", e);
        }
    }

    private static void prune(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var empty = new ArrayList<String>();
            object.properties().forEach(field -> {
                if (!field.getKey().equals("staticKwargs")) {
                    prune(field.getValue());
                }
                if (field.getValue().isNull() || field.getValue().isContainerNode() && field.getValue().isEmpty()) {
                    empty.add(field.getKey());
                }
            });
            object.remove(empty);
        } else if (node instanceof ArrayNode array) {
            // list elements stay, even empty ones: dropping one would change the list's meaning
            array.forEach(ConvertCommand::prune);
        }
    }

    /** Command-line options; a null result from {@link #parse} means help was asked for. */
    record Options(Path toml, String name, String namespace, String bucket, String prefix) {
        static Options parse(String[] args) {
            Path toml = null;
            String name = null;
            String namespace = null;
            String bucket = io.castiron.etl.api.v1alpha1.EtlPipelineSpec.DEFAULT_BUCKET;
            String prefix = "";
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    return null;
                }
                if (!arg.startsWith("--")) {
                    if (toml != null) {
                        throw new IllegalArgumentException("one TOML file at a time; got " + toml + " and " + arg);
                    }
                    toml = Path.of(arg);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--name" -> {
                        if (!ResourceNames.isValidName(value)) {
                            throw new IllegalArgumentException("--name '" + value + "' is not a valid name: use at "
                                    + "most 63 lowercase letters, digits and '-', starting and ending with a letter "
                                    + "or digit");
                        }
                        name = value;
                    }
                    case "--namespace" -> namespace = value;
                    case "--bucket" -> bucket = value;
                    case "--prefix" -> prefix = value.replaceAll("^/+|/+$", "");
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (toml == null) {
                throw new IllegalArgumentException("which TOML file? none given");
            }
            return new Options(toml, name, namespace, bucket, prefix);
        }
    }

    /**
     * Leaves a string unquoted only when no YAML 1.1 reader (kubectl's included) could take it for a number,
     * boolean, date or null: e.g. {@code 05_canceled} and {@code 1_000} stay quoted.
     */
    private static final class PlainOnlyWhenUnambiguous extends StringQuotingChecker.Default {
        private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./-]*");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || !PLAIN.matcher(value).matches();
        }
    }
}
