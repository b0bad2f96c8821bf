package dev.aqid.receiver.emulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * No {@code AMIQUS_API_TOKEN} and no demo mode (a database or secrets of the operator's
 * own): the service receives, verifies and stores deliveries, and nothing else. Says so
 * once, loudly, naming what is missing; enrichment and the registrar only mention it.
 */
@Component
@ConditionalOnProperty(DemoModeEnvironment.DECLINED)
class ReceivingOnlyNotice {

	private static final Logger log = LoggerFactory.getLogger(ReceivingOnlyNotice.class);

	ReceivingOnlyNotice(Environment environment) {
		log.warn("""

				==================================================================================
				  RECEIVING ONLY: no AMIQUS_API_TOKEN is set.
				  Deliveries are verified, stored and answered; enrichment and the registrar
				  are OFF, so events stay pending and the subscription is not kept in sync.
				  Demo mode does not run because {}.
				  Set AMIQUS_API_TOKEN to enrich events and keep the subscription in sync.
				==================================================================================""",
				environment.getProperty(DemoModeEnvironment.DECLINED));
	}

}
