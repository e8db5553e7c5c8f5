package io.castiron.etl.matching;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.castiron.etl.stage.StageLayout;

/**
 * Decides which file names a pipeline handles, from its {@code handled_file_glob}.
 * <p>
 * The glob is a list of alternatives separated by {@code |}; spaces are ignored. Each alternative is read in one
 * of three forms:
 * <ul>
 * <li>a <b>regular expression</b> when it has syntax only a regular expression has (a backslash, {@code + ( ) { }
 * ^ $}, or a leading {@code .*} or {@code .+}) and compiles: as the original did, a name matches when it ends with
 * a match ({@code \.csv}, {@code .*\.json}, {@code report_[0-9]+\.csv}, {@code data_\d{8}.csv});</li>
 * <li>otherwise a <b>glob</b> on the whole name when it has {@code *}, {@code ?} or {@code [}
 * ({@code *_test.tsv}, {@code report-??.txt}, {@code [!x]*.xml});</li>
 * <li>otherwise a literal <b>suffix</b> ({@code .csv} matches {@code a.csv}, not {@code xcsv}).</li>
 * </ul>
 * An alternative that both forms could read and that they would read differently gets a {@linkplain #notes()
 * note} saying which reading applies. One that can match no file name is an error. Names that are never data
 * ({@code .keep}, {@code *.toml}, {@code *_error_log_.txt}) match no pipeline.
 */
public final class FileMatcher {
    /** How one alternative is read. */
    public enum Form {
        SUFFIX, GLOB, REGEX
    }

    /** Syntax that a regular expression has and a glob or a file name hardly ever does. */
    private static final Pattern REGEX_ONLY = Pattern.compile("[\\\\+(){}^$]|^\\.[*+]");
    /** Regular-expression syntax that leaves no doubt: an escape, a leading {@code .*}, a count, an anchor. */
    private static final Pattern CLEARLY_REGEX = Pattern.compile("[\\\\{}^$]|^\\.[*+]");
    private static final String NAME = "handled_file_glob";

    private final String source;
    private final List<Alternative> alternatives;
    private final List<String> notes;

    private record Alternative(String text, Form form, Predicate<String> test) {
    }

    private FileMatcher(String source, List<Alternative> alternatives, List<String> notes) {
        this.source = source;
        this.alternatives = alternatives;
        this.notes = notes;
    }

    /**
     * Compiles a {@code handled_file_glob}. An empty alternative, a malformed one and one that can match no file
     * name are errors naming the alternative; each message starts with {@code handled_file_glob}.
     */
    public static FileMatcher compile(String handledFileGlob) {
        if (handledFileGlob == null || handledFileGlob.isBlank()) {
            throw new IllegalArgumentException(NAME + " must not be empty");
        }
        var alternatives = new ArrayList<Alternative>();
        var notes = new ArrayList<String>();
        for (String raw : handledFileGlob.replace(" ", "").split("\\|", -1)) {
            if (raw.isEmpty()) {
                throw new IllegalArgumentException(
                        NAME + " '" + handledFileGlob + "' has an empty alternative (check the '|'s)");
            }
            alternatives.add(read(handledFileGlob, raw, notes));
        }
        return new FileMatcher(handledFileGlob, List.copyOf(alternatives), List.copyOf(notes));
    }

    private static Alternative read(String whole, String alt, List<String> notes) {
        if (alt.indexOf('/') >= 0) {
            throw unmatchable(whole, alt, "it has a '/', and the pattern is matched against file names (the part"
                    + " after the inbox folder), which have none");
        }
        boolean wildcard = alt.indexOf('*') >= 0 || alt.indexOf('?') >= 0 || alt.indexOf('[') >= 0;
        boolean regexSyntax = REGEX_ONLY.matcher(alt).find();
        if (!wildcard && !regexSyntax) {
            refuseNeverData(whole, alt, alt);
            return new Alternative(alt, Form.SUFFIX, name -> name.endsWith(alt));
        }
        String regexError = null;
        Pattern regex = null;
        try {
            Pattern.compile(javaSyntax(alt)); // alone first: wrapped, a stray ')' could pair up
            regex = Pattern.compile(".*(?:" + javaSyntax(alt) + ")$");
        } catch (PatternSyntaxException e) {
            regexError = e.getDescription();
        }
        if (regexSyntax && regex != null) {
            checkAnchors(whole, alt);
            refuseNeverData(whole, alt, regexTail(alt));
            if (alt.startsWith("^")) {
                notes.add(note(alt, "'^' is read as the start of the file name; the original matched the path below"
                        + " the config's folder (e.g. 01_inbox/name), where this alternative matched no file"));
            } else if (!CLEARLY_REGEX.matcher(alt).find()) {
                notes.add(note(alt, "is read as a regular expression, as the original did: a name matches when it"
                        + " ends with a match, and + ( ) are not literal characters (write \\( for one)"));
            }
            Pattern compiled = regex;
            return new Alternative(alt, Form.REGEX, name -> compiled.matcher(name).matches());
        }
        if (!wildcard) {
            throw new IllegalArgumentException(NAME + " '" + whole + "': alternative '" + alt + "' is not a valid"
                    + " regular expression (" + regexError + ") and has no glob wildcard; write it as a regular"
                    + " expression, e.g. with \\( for a '(' in the name");
        }
        Pattern glob = globToRegex(whole, alt);
        refuseNeverData(whole, alt, globTail(alt));
        if (regex != null) {
            notes.add(note(alt, "is read as a glob on the whole file name; the original read it as a regular"
                    + " expression on the end of the name, where * repeats the character before it, ? makes it"
                    + " optional and . is any character"));
        }
        return new Alternative(alt, Form.GLOB, name -> glob.matcher(name).matches());
    }

    /** True when the file name (not a path) is data this pipeline handles. */
    public boolean matchesName(String fileName) {
        if (fileName == null || fileName.isEmpty() || fileName.contains("/") || isNeverData(fileName)) {
            return false;
        }
        for (var alternative : alternatives) {
            if (alternative.test().test(fileName)) {
                return true;
            }
        }
        return false;
    }

    /** Markers, configs and error logs: objects that are never data, whatever a glob says. */
    public static boolean isNeverData(String fileName) {
        return fileName.equals(StageLayout.KEEP_MARKER) || fileName.endsWith(".toml")
                || fileName.endsWith(StageLayout.ERROR_LOG_SUFFIX);
    }

    /** How each alternative is read, in order. */
    public List<Form> forms() {
        return alternatives.stream().map(Alternative::form).toList();
    }

    /**
     * One sentence for each alternative whose reading is ambiguous (another reading is plausible and would match
     * other names), saying how it is read; each starts with {@code handled_file_glob alternative '...'}.
     */
    public List<String> notes() {
        return notes;
    }

    public String source() {
        return source;
    }

    private static String note(String alt, String reading) {
        return NAME + " alternative '" + alt + "' " + reading;
    }

    private static IllegalArgumentException unmatchable(String whole, String alt, String why) {
        return new IllegalArgumentException(NAME + " '" + whole + "': alternative '" + alt
                + "' can match no file name: " + why);
    }

    /** Python's named groups, which the original's patterns may use, in Java's spelling. */
    private static String javaSyntax(String pythonRegex) {
        return pythonRegex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
    }

    /** A '$' before the end or a '^' after the start (outside classes, unescaped) leaves nothing to match. */
    private static void checkAnchors(String whole, String alt) {
        boolean inClass = false;
        for (int i = 0; i < alt.length(); i++) {
            char c = alt.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < alt.length() && alt.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '$' && i + 1 < alt.length() && alt.charAt(i + 1) != '|' && alt.charAt(i + 1) != ')') {
                throw unmatchable(whole, alt, "'$' is the end of the name, and characters follow it");
            } else if (c == '^' && i > 0 && "(|:".indexOf(alt.charAt(i - 1)) < 0) {
                throw unmatchable(whole, alt, "'^' is the start of the name, and characters come before it");
            }
        }
    }

    /** Every name that matches ends with this suffix; configs and error logs are never data, so refuse it. */
    private static void refuseNeverData(String whole, String alt, String literalTail) {
        if (literalTail.endsWith(".toml") || literalTail.endsWith(StageLayout.ERROR_LOG_SUFFIX)) {
            throw unmatchable(whole, alt, "every name it matches ends with '" + literalTail
                    + "', and such objects are configs or error logs, never data");
        }
    }

    /** The literal text that every match of a glob ends with: what follows its last wildcard. */
    private static String globTail(String glob) {
        int last = Math.max(glob.lastIndexOf('*'), Math.max(glob.lastIndexOf('?'), glob.lastIndexOf(']')));
        return glob.substring(last + 1);
    }

    /** The literal text that every match of a regular expression ends with (its escapes resolved). */
    private static String regexTail(String regex) {
        String r = regex.endsWith("$") && !regex.endsWith("\\$") ? regex.substring(0, regex.length() - 1) : regex;
        var tail = new StringBuilder();
        for (int i = r.length() - 1; i >= 0; i--) {
            char c = r.charAt(i);
            if (i > 0 && r.charAt(i - 1) == '\\') {
                if (Character.isLetterOrDigit(c)) {
                    break; // a class such as \d, not a literal
                }
                tail.insert(0, c);
                i--;
            } else if (".[](){}*+?|^$\\".indexOf(c) < 0) {
                tail.insert(0, c);
            } else {
                break;
            }
        }
        return tail.toString();
    }

    private static Pattern globToRegex(String whole, String glob) {
        var regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        throw new IllegalArgumentException(NAME + " '" + whole + "': alternative '" + glob
                                + "' has a '[' without a closing ']'");
                    }
                    String body = glob.substring(i + 1, close);
                    regex.append('[');
                    if (body.startsWith("!")) {
                        regex.append('^');
                        body = body.substring(1);
                    }
                    regex.append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = close;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return source;
    }
}
