package dev.aqid.receiver;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * Keeps the feature packages honest: a module uses another only through the types at the
 * top of that module's package, and no two modules depend on each other in a cycle.
 */
class ModularityTests {

	@Test
	void modulesRespectTheirBoundaries() {
		ApplicationModules.of(ReceiverApplication.class).verify();
	}

}
