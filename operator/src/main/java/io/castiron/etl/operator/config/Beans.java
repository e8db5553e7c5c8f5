package io.castiron.etl.operator.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.castiron.etl.config.Settings;
import io.castiron.etl.operator.job.JobFactory;
import io.castiron.etl.operator.job.RunnerDefaults;

/** Wires core's plain classes into CDI. */
public class Beans {
    @Produces
    @ApplicationScoped
    Settings settings() {
        return Settings.fromEnvironment();
    }

    @Produces
    @ApplicationScoped
    RunnerDefaults runnerDefaults(OperatorConfig config) {
        var r = config.runner();
        return new RunnerDefaults(r.image(), r.imagePullPolicy(), r.serviceAccountName(), r.backoffLimit(),
                r.activeDeadlineSeconds(), r.credentialsSecret());
    }

    @Produces
    @ApplicationScoped
    JobFactory jobFactory(RunnerDefaults defaults, Settings settings) {
        return new JobFactory(defaults, settings);
    }
}
