package io.castiron.etl.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class on the local control plane: one {@link Harness} (control plane, chart, operator, servers) for all its
 * tests, installed before the first and closed after the last.
 */
abstract class OnTheControlPlane {
    static Harness h;

    @BeforeAll
    static void install() throws Exception {
        h = new Harness();
    }

    @AfterAll
    static void uninstall() throws Exception {
        if (h != null) {
            h.close();
            h = null;
        }
    }
}
