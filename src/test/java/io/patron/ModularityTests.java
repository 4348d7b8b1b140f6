package io.patron;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Fails on a cycle between modules or on a module reaching into another module's internals. */
class ModularityTests {

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersApi() {
        ApplicationModules.of(PatronApplication.class).verify();
    }
}
