package io.castiron.etl.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * JUnit 5 extension that hands tests the JVM's shared test servers. Only the servers a test asks for are
 * started (once per JVM; they stop when the JVM exits).
 *
 * <pre>
 * &#64;ExtendWith(TestServers.class)
 * class SomethingTest {
 *     static S3TestServer s3;            // injected before &#64;BeforeAll
 *     PostgresTestServer postgres;       // injected per test instance
 *
 *     &#64;Test
 *     void works(KafkaTestServer kafka) { ... }   // or as a parameter
 * }
 * </pre>
 * A field is injected only when it is declared with one of the three server types and is still null.
 */
public final class TestServers implements ParameterResolver, TestInstancePostProcessor, BeforeAllCallback {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(parameterContext.getParameter().getType()) != null;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        var supplier = server(parameterContext.getParameter().getType());
        if (supplier == null) {
            throw new ParameterResolutionException("TestServers cannot supply " + parameterContext.getParameter());
        }
        return supplier.get();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        inject(context.getRequiredTestClass(), null);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws Exception {
        inject(testInstance.getClass(), testInstance);
    }

    /** Fills the static ({@code instance == null}) or instance fields of a server type that are still null. */
    private static void inject(Class<?> type, Object instance) throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                var supplier = server(field.getType());
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (supplier == null || isStatic != (instance == null) || Modifier.isFinal(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                if (field.get(instance) == null) {
                    field.set(instance, supplier.get());
                }
            }
        }
    }

    private static Supplier<?> server(Class<?> type) {
        if (type == S3TestServer.class) {
            return S3TestServer::shared;
        }
        if (type == PostgresTestServer.class) {
            return PostgresTestServer::shared;
        }
        if (type == KafkaTestServer.class) {
            return KafkaTestServer::shared;
        }
        return null;
    }
}
