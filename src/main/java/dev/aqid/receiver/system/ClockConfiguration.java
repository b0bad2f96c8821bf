package dev.aqid.receiver.system;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one clock everything that reads the time uses, so that tests can set and advance it
 * instead of sleeping. Times the database writes ({@code now()} in SQL) come from
 * PostgreSQL, not from this clock.
 */
@Configuration(proxyBeanMethods = false)
class ClockConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
