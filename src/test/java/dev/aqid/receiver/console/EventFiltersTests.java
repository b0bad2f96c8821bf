package dev.aqid.receiver.console;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The event list's filters and cursors as an operator types and follows them.
 */
class EventFiltersTests {

	@Test
	void readsTheQueryApisFiltersAsTyped() {
		EventFilter filter = EventFilters
			.of(" record.* ", "42", "7", "FAILED", "2024-05-07T12:30:00+02:00", "2024-05-08")
			.toFilter();

		assertThat(filter.alias().prefix()).isEqualTo("record.");
		assertThat(filter.recordId()).isEqualTo(42);
		assertThat(filter.clientId()).isEqualTo(7);
		assertThat(filter.status()).isEqualTo(EnrichmentStatus.failed);
		assertThat(filter.receivedAfter())
			.isEqualTo(OffsetDateTime.of(2024, 5, 7, 12, 30, 0, 0, ZoneOffset.ofHours(2)));
		assertThat(filter.receivedBefore()).as("a date is its start, in UTC")
			.isEqualTo(OffsetDateTime.of(2024, 5, 8, 0, 0, 0, 0, ZoneOffset.UTC));
		assertThat(EventFilters.of("", " ", null, "", "", null).isEmpty()).isTrue();
		assertThat(EventFilters.of("*", null, null, null, null, null).toFilter().alias()).as("* is every alias")
			.isNull();
		assertThat(EventFilters.of(null, null, null, null, "2024-05-07 12:30", null).toFilter().receivedAfter())
			.as("without an offset: UTC")
			.isEqualTo(OffsetDateTime.of(2024, 5, 7, 12, 30, 0, 0, ZoneOffset.UTC));
	}

	@Test
	void saysEverythingWrongWithTheFiltersAtOnce() {
		assertThatExceptionOfType(ConsoleInputInvalid.class)
			.isThrownBy(() -> EventFilters.of("rec*ord", "forty-two", "7x", "done", "yesterday", null).toFilter())
			.withMessageContaining("one wildcard, at the end")
			.withMessageContaining("Record id must be a whole number")
			.withMessageContaining("Client id must be a whole number")
			.withMessageContaining("Status must be one of pending, enriched, failed, skipped")
			.withMessageContaining("Received after must be a date-time");
	}

	@Test
	void keepsTheFiltersInPageLinksEncoded() {
		EventFilters filters = EventFilters.of("record.*", null, "7", null, "2024-05-07T12:00:00+02:00", null);

		String link = filters.addTo(org.springframework.web.util.UriComponentsBuilder.fromPath("/console"))
			.encode()
			.buildAndExpand(filters.values())
			.toUriString();

		assertThat(link).as("every reserved character encoded, + above all (a space otherwise)")
			.isEqualTo("/console?alias=record.%2A&client_id=7&received_after=2024-05-07T12%3A00%3A00%2B02%3A00");
	}

	@Test
	void followsItsOwnCursorsAndRefusesDamagedOnes() {
		EventStream.Position position = new EventStream.Position(-2, 77);

		assertThat(ConsoleCursor.decode(ConsoleCursor.encode(position))).isEqualTo(position);
		for (String damaged : new String[] { "", ".", "12", "12.", ".5", "x.5", "12.0", "12.-3", "1.2.3",
				"1".repeat(60) + ".1" }) {
			assertThatExceptionOfType(ConsoleInputInvalid.class).as(damaged)
				.isThrownBy(() -> ConsoleCursor.decode(damaged));
		}
	}

}
