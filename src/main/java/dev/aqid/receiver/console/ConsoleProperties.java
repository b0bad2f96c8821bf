package dev.aqid.receiver.console;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator console.
 *
 * @param pageSize events per page of the event list (1 to 100)
 * @param stuckAfter how long a pending event may have been due before the problems page
 * lists it as stuck
 * @param listLimit most rows each list of the problems page shows
 */
@ConfigurationProperties("receiver.console")
record ConsoleProperties(@DefaultValue("50") int pageSize, @DefaultValue("5m") Duration stuckAfter,
		@DefaultValue("100") int listLimit) {

	ConsoleProperties {
		if (pageSize < 1 || pageSize > 100) {
			throw new IllegalArgumentException("receiver.console.page-size must be between 1 and 100, not " + pageSize);
		}
		if (listLimit < 1 || listLimit > 1000) {
			throw new IllegalArgumentException(
					"receiver.console.list-limit must be between 1 and 1000, not " + listLimit);
		}
	}

}
