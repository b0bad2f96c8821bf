package dev.aqid.receiver.forwarding;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Destinations as configured: defaults, alias filters, and start-up errors that name the
 * bad destination.
 */
class DestinationsTests {

	static final String SECRET = StandardWebhooksSignatureTests.SECRET;

	@Test
	void defaultsTheNameAndTheEvents() {
		List<Destination> destinations = Destinations.check(List.of(entry("http://a.internal/hook", null, SECRET, null),
				entry("https://b.internal/hook", "record.*, client.deleted", SECRET, "crm")), 8, 2);
		assertThat(destinations).extracting(Destination::name).containsExactly("destination-0", "crm");
		assertThat(destinations.get(0).events()).containsExactly("*");
		assertThat(destinations.get(1).events()).containsExactly("record.*", "client.deleted");
		assertThat(destinations.get(1).maxAttempts()).isEqualTo(8);
		assertThat(destinations.get(1).workers()).isEqualTo(2);
	}

	@Test
	void takesADestinationsOwnWorkersAndRefusesNone() {
		Destination busy = Destinations
			.check(List.of(new DestinationsProperties.Entry("http://a.internal/", null, SECRET, null, null, 6)), 8, 2)
			.get(0);
		assertThat(busy.workers()).isEqualTo(6);
		assertThatIllegalStateException()
			.isThrownBy(() -> Destinations.check(
					List.of(new DestinationsProperties.Entry("http://a.internal/", null, SECRET, null, null, 0)), 8, 2))
			.withMessageContaining("RECEIVER_DESTINATIONS_0_WORKERS");
	}

	@Test
	void matchesAliasesExactlyOrByPrefix() {
		Destination destination = Destinations
			.check(List.of(entry("http://a.internal/", "record.*,client.deleted", SECRET, null)), 8, 2)
			.get(0);
		assertThat(destination.accepts("record.finished")).isTrue();
		assertThat(destination.accepts("client.deleted")).isTrue();
		assertThat(destination.accepts("client.updated")).isFalse();
		assertThat(destination.accepts(null)).isFalse();
		Destination all = Destinations.check(List.of(entry("http://a.internal/", "*", SECRET, null)), 8, 2).get(0);
		assertThat(all.accepts(null)).isTrue();
	}

	@Test
	void namesTheDestinationWithoutSecret() {
		assertThatIllegalStateException()
			.isThrownBy(() -> Destinations.check(List.of(entry("http://a.internal/", null, SECRET, null),
					entry("http://b.internal/", null, null, null)), 8, 2))
			.withMessageContaining("RECEIVER_DESTINATIONS_1_SECRET")
			.withMessageContaining("required");
	}

	@Test
	void refusesASecretWithoutPrefixWithoutPrintingIt() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> Destinations.check(List.of(entry("http://a.internal/", null, "hunter2hunter2", null)), 8, 2))
			.withMessageContaining("receiver.destinations[0].secret")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void refusesBadUrlsWildcardsAndDuplicateNames() {
		assertThatIllegalStateException()
			.isThrownBy(() -> Destinations.check(List.of(entry("ftp://a.internal/", null, SECRET, null)), 8, 2))
			.withMessageContaining("RECEIVER_DESTINATIONS_0_URL");
		assertThatIllegalStateException()
			.isThrownBy(() -> Destinations.check(List.of(entry("http://a.internal/", "re*cord", SECRET, null)), 8, 2))
			.withMessageContaining("RECEIVER_DESTINATIONS_0_EVENTS");
		assertThatIllegalStateException()
			.isThrownBy(() -> Destinations.check(List.of(entry("http://a.internal/", null, SECRET, "x"),
					entry("http://b.internal/", null, SECRET, "x")), 8, 2))
			.withMessageContaining("RECEIVER_DESTINATIONS_1_NAME");
	}

	private static DestinationsProperties.Entry entry(String url, String events, String secret, String name) {
		return new DestinationsProperties.Entry(url, events, secret, name, null, null);
	}

}
