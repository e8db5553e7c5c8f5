package io.castiron.etl.operator.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.castiron.etl.status.StatusStore;
import io.quarkus.runtime.StartupEvent;

/** The operator owns the status schema: it applies the migrations when it starts. */
@ApplicationScoped
public class SchemaMigration {
    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);

    @Inject
    StatusStore statusStore;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        int applied = statusStore.migrate();
        LOG.infof("status schema is current (%d migration(s) applied now)", applied);
    }
}
