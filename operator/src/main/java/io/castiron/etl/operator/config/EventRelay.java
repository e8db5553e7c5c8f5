package io.castiron.etl.operator.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.castiron.etl.config.Settings;
import io.castiron.etl.events.OutboxRelay;
import io.castiron.etl.status.StatusStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes the Kafka messages that the operator and the runners write to the event outbox, from start (after
 * {@link SchemaMigration}) to shutdown; nothing without Kafka bootstrap servers. Messages not yet acknowledged at
 * shutdown stay in the outbox for the next start, or for another replica's relay.
 */
@ApplicationScoped
public class EventRelay {
    @Inject
    Settings settings;

    private OutboxRelay relay;

    void onStart(@Observes StartupEvent event) {
        if (settings.kafkaEnabled()) {
            // a connection of its own, outside the pool: it holds the relay's lock and listens for commits
            relay = OutboxRelay.start(StatusStore.dataSource(settings), settings.kafkaBootstrapServers());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (relay != null) {
            relay.close();
        }
    }
}
