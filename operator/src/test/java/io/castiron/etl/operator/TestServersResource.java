package io.castiron.etl.operator;

import java.util.Map;

import io.castiron.etl.testkit.ChildServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the S3, PostgreSQL and Kafka test servers once per JVM (in a child JVM: s3proxy's Guice cannot live in
 * Quarkus' class loaders) and hands their connection settings to the operator as configuration. Tests reach the
 * servers through the same settings (the operator's beans).
 */
public class TestServersResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return ChildServers.sharedSettingsEnv();
    }

    @Override
    public void stop() {
        // The servers are shared by every test class of the JVM and stop with it.
    }
}
