package dev.aqid.receiver.registrar;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code AMIQUS_REGISTRAR_EVENTS} names only events a webhook can subscribe to: a typo
 * stops start-up with a message naming it, instead of a subscription Amiqus refuses or,
 * worse, one that silently never delivers that event.
 */
class RegistrarEventsTests {

	@TempDir
	Path dataDir;

	@Test
	void acceptsEveryAliasAndWildcardAmiqusOffers() {
		RegistrarProperties properties = properties(List.of(" record.* ", "client.deleted", "watchlist.updated", "*"));

		assertThat(properties.events()).containsExactly("record.*", "client.deleted", "watchlist.updated", "*");
	}

	@Test
	void refusesAnEventAmiqusDoesNotOfferNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(List.of("record.finished", "recrod.finished")))
			.withMessageContaining("AMIQUS_REGISTRAR_EVENTS")
			.withMessageContaining("names an event Amiqus does not offer: recrod.finished.")
			.withMessageContaining("A webhook can subscribe to *, case.*");
		assertThatIllegalArgumentException().isThrownBy(() -> properties(List.of("records.*", "ping")))
			.withMessageContaining("events Amiqus does not offer: records.*, ping");
	}

	@Test
	void stopsStartUpOnATypoInTheSubscribedEvents() {
		Throwable failure = catchThrowable(
				() -> RunningReceiver.onDataDir(this.dataDir, "amiqus.registrar.events=record.finished,recrod.finished")
					.close());

		assertThat(failure).isNotNull();
		assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).hasMessageContaining("recrod.finished");
	}

	private static RegistrarProperties properties(List<String> events) {
		return new RegistrarProperties(null, events, true, Duration.ofMinutes(5), false, false, Duration.ofHours(1),
				Duration.ofSeconds(10), Duration.ofHours(24), Duration.ofMinutes(10), 20);
	}

}
