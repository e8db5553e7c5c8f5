package io.castiron.etl.operator.config;

import java.util.HashMap;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.ConfigProvider;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.castiron.etl.config.Settings;
import io.castiron.etl.events.EventOutbox;
import io.castiron.etl.operator.job.JobFactory;
import io.castiron.etl.operator.job.RunnerDefaults;
import io.castiron.etl.status.StatusStore;
import io.castiron.etl.store.ObjectStore;
import io.fabric8.kubernetes.api.model.Quantity;

/** Wires core's plain classes into CDI. */
public class Beans {
    /**
     * The shared connection settings: environment variables as everywhere, read through Quarkus' configuration
     * so they may also be given in application.properties or by tests.
     */
    @Produces
    @Singleton
    Settings settings() {
        var config = ConfigProvider.getConfig();
        var values = new HashMap<String, String>();
        for (String name : Settings.NAMES) {
            config.getOptionalValue(name, String.class).ifPresent(v -> values.put(name, v));
        }
        return Settings.from(values);
    }

    @Produces
    @Singleton
    RunnerDefaults runnerDefaults(OperatorConfig config) {
        var r = config.runner();
        return new RunnerDefaults(r.image(), r.imagePullPolicy(), r.serviceAccountName(), r.backoffLimit(),
                r.activeDeadlineSeconds(), r.credentialsSecret(), r.resources().map(RunnerDefaults::resourcesFromJson),
                r.tmpSizeLimit().map(Quantity::new));
    }

    @Produces
    @Singleton
    JobFactory jobFactory(RunnerDefaults defaults, Settings settings) {
        return new JobFactory(defaults, settings);
    }

    @Produces
    @Singleton
    ObjectStore objectStore(Settings settings, OperatorConfig config) {
        return ObjectStore.from(settings, config.s3().maxConcurrentRequests());
    }

    /** Pooled: each new connection costs a PostgreSQL backend start and an authentication round trip. */
    @Produces
    @Singleton
    HikariDataSource dataSource(Settings settings, OperatorConfig config) {
        var pool = new HikariConfig();
        pool.setPoolName("castiron-status");
        pool.setDataSource(StatusStore.dataSource(settings));
        pool.setMaximumPoolSize(config.postgres().poolSize());
        pool.setMinimumIdle(1);
        // Start without a connection: PostgreSQL may come up after the operator; the first use retries.
        pool.setInitializationFailTimeout(-1);
        return new HikariDataSource(pool);
    }

    void closeDataSource(@Disposes HikariDataSource dataSource) {
        dataSource.close();
    }

    /** Writes each Kafka message with the row change it reports, for {@link EventRelay} to publish. */
    @Produces
    @Singleton
    StatusStore statusStore(HikariDataSource dataSource, Settings settings) {
        return new StatusStore(dataSource, EventOutbox.from(settings));
    }
}
