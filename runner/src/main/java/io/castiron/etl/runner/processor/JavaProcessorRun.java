package io.castiron.etl.runner.processor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;

import io.castiron.etl.api.v1alpha1.JavaProcessor;
import io.castiron.etl.processor.FileProcessor;
import io.castiron.etl.processor.ProcessorInput;
import io.castiron.etl.processor.RetryLaterException;

/**
 * A {@link FileProcessor} from the runner's classpath, called on its own thread in the runner's JVM. An exception
 * is a failure with its stack trace in the error log; {@link RetryLaterException} is a temporary failure.
 * Stopping interrupts the thread: a Java processor stops promptly only if it heeds interrupts (the Job's
 * termination grace period ends it otherwise).
 */
final class JavaProcessorRun implements LocalProcessor {
    private final JavaProcessor spec;
    private final ClassLoader classLoader;
    private volatile Thread worker;
    private volatile boolean stopRequested;

    JavaProcessorRun(JavaProcessor spec, ClassLoader classLoader) {
        this.spec = spec;
        this.classLoader = classLoader;
    }

    @Override
    public ProcessorOutcome run(ProcessorCall call) {
        FileProcessor processor;
        try {
            processor = instantiate();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new ProcessorOutcome(ProcessorOutcome.Result.FAILED, null, describeLoadFailure(e), stackTrace(e));
        }
        var input = new ProcessorInput(call.file(), call.fileId(), call.originalName(), call.metadata(),
                Kwargs.resolve(spec.getStaticKwargs(), spec.getEnvironmentKwargs(), call.environment()),
                call.progress());
        var failure = new AtomicReference<Throwable>();
        var thread = new Thread(() -> {
            try {
                processor.process(input);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "java-processor");
        thread.setContextClassLoader(classLoader);
        worker = thread;
        if (stopRequested) {
            return ProcessorOutcome.stopped(null);
        }
        thread.start();
        join(thread);
        worker = null;
        if (stopRequested) {
            return ProcessorOutcome.stopped(null);
        }
        Throwable t = failure.get();
        if (t == null) {
            return ProcessorOutcome.succeeded(null);
        }
        var result = t instanceof RetryLaterException ? ProcessorOutcome.Result.RETRY_LATER
                : ProcessorOutcome.Result.FAILED;
        return new ProcessorOutcome(result, null, spec.getClassName() + " threw " + t, stackTrace(t));
    }

    private FileProcessor instantiate() throws ReflectiveOperationException {
        Class<?> type = Class.forName(spec.getClassName(), true, classLoader);
        if (!FileProcessor.class.isAssignableFrom(type)) {
            throw new ClassCastException(spec.getClassName() + " does not implement " + FileProcessor.class.getName());
        }
        return (FileProcessor) type.getDeclaredConstructor().newInstance();
    }

    private String describeLoadFailure(Throwable e) {
        if (e instanceof ClassNotFoundException) {
            return "java processor class " + spec.getClassName() + " is not on the runner's classpath";
        }
        if (e instanceof NoSuchMethodException) {
            return "java processor class " + spec.getClassName() + " has no public no-argument constructor";
        }
        return "cannot create java processor " + spec.getClassName() + ": " + e;
    }

    private static void join(Thread thread) {
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                // stop() interrupts the processor's thread, not this one; keep waiting for it
            }
        }
    }

    @Override
    public void stop() {
        stopRequested = true;
        Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public String describe() {
        return "java " + spec.getClassName();
    }

    static String stackTrace(Throwable t) {
        var text = new StringWriter();
        t.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
