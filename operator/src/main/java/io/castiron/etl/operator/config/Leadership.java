package io.castiron.etl.operator.config;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Leader election (a Lease named {@code castiron-etl-operator}): only the leader's reconcilers run, so two replicas
 * never both claim a file. The operator SDK picks this bean up; work outside reconcilers (the config bucket sync)
 * asks {@link #isLeader()}. Where election is not active (dev and test profiles), this process leads.
 */
@Singleton
public class Leadership extends LeaderElectionConfiguration {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    public static final String LEASE = "castiron-etl-operator";

    private static final AtomicBoolean LEADING = new AtomicBoolean();

    @Inject
    public Leadership(OperatorConfig config) {
        super(LEASE, null, config.leaderElection().leaseDuration(), config.leaderElection().renewDeadline(),
                config.leaderElection().retryPeriod(), null, new LeaderCallbacks(
                        () -> {
                            LEADING.set(true);
                            LOG.info("became the leader");
                        },
                        () -> {
                            LEADING.set(false);
                            LOG.info("stopped leading");
                        },
                        identity -> LOG.infof("the leader is %s", identity)),
                true);
    }

    public boolean isLeader() {
        return !electionActive() || LEADING.get();
    }

    private static boolean electionActive() {
        List<String> profiles = ConfigUtils.getProfiles();
        String active = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.operator-sdk.activate-leader-election-for-profiles", String.class)
                .orElse("prod");
        for (String profile : active.split(",")) {
            if (profiles.contains(profile.trim())) {
                return true;
            }
        }
        return false;
    }
}
