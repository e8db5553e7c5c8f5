package io.castiron.etl.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.fabric8.generator.annotation.ValidationRule;

/** What processes a file: exactly one of {@code python}, {@code java}, {@code shell}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"python", "java", "shell"})
@ValidationRule(value = "[has(self.python), has(self.java), has(self.shell)].filter(x, x).size() == 1",
        message = "exactly one of processor.python, processor.java, processor.shell must be set")
public class Processor {
    private PythonProcessor python;
    private JavaProcessor java;
    private ShellProcessor shell;

    public static Processor python(PythonProcessor python) {
        var p = new Processor();
        p.python = python;
        return p;
    }

    public static Processor java(JavaProcessor java) {
        var p = new Processor();
        p.java = java;
        return p;
    }

    public static Processor shell(String script) {
        var p = new Processor();
        p.shell = new ShellProcessor(script);
        return p;
    }

    public PythonProcessor getPython() {
        return python;
    }

    public void setPython(PythonProcessor python) {
        this.python = python;
    }

    public JavaProcessor getJava() {
        return java;
    }

    public void setJava(JavaProcessor java) {
        this.java = java;
    }

    public ShellProcessor getShell() {
        return shell;
    }

    public void setShell(ShellProcessor shell) {
        this.shell = shell;
    }

    /** The names of the kinds that are set ({@code python}, {@code java}, {@code shell}); valid when exactly one. */
    @JsonIgnore
    public List<String> kindsSet() {
        var kinds = new ArrayList<String>(3);
        if (python != null) {
            kinds.add("python");
        }
        if (java != null) {
            kinds.add("java");
        }
        if (shell != null) {
            kinds.add("shell");
        }
        return kinds;
    }

    @Override
    public String toString() {
        return python != null ? "python " + python.getWorkerRunMethod()
                : java != null ? "java " + java.getClassName()
                : shell != null ? "shell" : "none";
    }
}
