package io.castiron.etl.runner.processor;

import io.castiron.etl.api.v1alpha1.Processor;

/** The {@link LocalProcessor} for a pipeline's processor spec. */
public final class LocalProcessors {
    private LocalProcessors() {
    }

    /** @throws IllegalArgumentException when the spec sets no kind (the contract allows exactly one) */
    public static LocalProcessor of(Processor spec, PythonSettings python) {
        if (spec.getPython() != null) {
            return new PythonProcessorRun(spec.getPython(), python);
        }
        if (spec.getJava() != null) {
            return new JavaProcessorRun(spec.getJava(), LocalProcessors.class.getClassLoader());
        }
        if (spec.getShell() != null) {
            return new ShellProcessorRun(spec.getShell().getScript());
        }
        throw new IllegalArgumentException("the processor sets none of python, java, shell");
    }
}
