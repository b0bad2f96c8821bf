package dev.aqid.receiver.console;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The event list's filters as the operator typed them (the query API's filters:
 * {@code alias}, {@code record_id}, {@code client_id}, {@code status},
 * {@code received_after}, {@code received_before}), kept as text so that the form shows
 * them back as typed, even when one is not valid.
 */
record EventFilters(@Nullable String alias, @Nullable String recordId, @Nullable String clientId,
		@Nullable String status, @Nullable String receivedAfter, @Nullable String receivedBefore) {

	private static final int MAX_ALIAS = 255;

	static EventFilters of(@Nullable String alias, @Nullable String recordId, @Nullable String clientId,
			@Nullable String status, @Nullable String receivedAfter, @Nullable String receivedBefore) {
		return new EventFilters(trim(alias), trim(recordId), trim(clientId), trim(status), trim(receivedAfter),
				trim(receivedBefore));
	}

	static EventFilters none() {
		return new EventFilters(null, null, null, null, null, null);
	}

	boolean isEmpty() {
		return this.alias == null && this.recordId == null && this.clientId == null && this.status == null
				&& this.receivedAfter == null && this.receivedBefore == null;
	}

	/** The filter for the event stream; every problem with the input in one message. */
	EventFilter toFilter() {
		List<String> problems = new ArrayList<>();
		EventFilter.AliasPattern alias = alias(problems);
		Long recordId = id("Record id", this.recordId, problems);
		Long clientId = id("Client id", this.clientId, problems);
		EnrichmentStatus status = null;
		if (this.status != null) {
			try {
				status = EnrichmentStatus.valueOf(this.status.toLowerCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				problems.add("Status must be one of pending, enriched, failed, skipped.");
			}
		}
		OffsetDateTime after = time("Received after", this.receivedAfter, problems);
		OffsetDateTime before = time("Received before", this.receivedBefore, problems);
		if (!problems.isEmpty()) {
			throw new ConsoleInputInvalid(String.join(" ", problems));
		}
		return new EventFilter(alias, recordId, clientId, status, after, before);
	}

	/** These filters as query parameters, for links that keep them. */
	UriComponentsBuilder addTo(UriComponentsBuilder uri) {
		param(uri, "alias", this.alias);
		param(uri, "record_id", this.recordId);
		param(uri, "client_id", this.clientId);
		param(uri, "status", this.status);
		param(uri, "received_after", this.receivedAfter);
		param(uri, "received_before", this.receivedBefore);
		return uri;
	}

	private static void param(UriComponentsBuilder uri, String name, @Nullable String value) {
		if (value != null) {
			uri.queryParam(name, "{" + name + "}");
		}
	}

	/** The values for {@link #addTo}'s placeholders. */
	Map<String, String> values() {
		Map<String, String> values = new HashMap<>();
		put(values, "alias", this.alias);
		put(values, "record_id", this.recordId);
		put(values, "client_id", this.clientId);
		put(values, "status", this.status);
		put(values, "received_after", this.receivedAfter);
		put(values, "received_before", this.receivedBefore);
		return values;
	}

	private static void put(Map<String, String> values, String name, @Nullable String value) {
		if (value != null) {
			values.put(name, value);
		}
	}

	private EventFilter.@Nullable AliasPattern alias(List<String> problems) {
		String alias = this.alias;
		if (alias == null || alias.equals("*")) {
			return null;
		}
		if (alias.length() > MAX_ALIAS || alias.indexOf('\u0000') >= 0) {
			problems.add("Alias is not one any event can have.");
			return null;
		}
		int star = alias.indexOf('*');
		if (star < 0) {
			return new EventFilter.AliasPattern(alias, null);
		}
		if (star != alias.length() - 1) {
			problems.add("Alias takes one wildcard, at the end (record.* or *).");
			return null;
		}
		String prefix = alias.substring(0, star);
		int next = prefix.codePointBefore(prefix.length()) + 1;
		if (next > Character.MAX_CODE_POINT || (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE)) {
			problems.add("Alias prefix ends in a character that cannot be matched.");
			return null;
		}
		return new EventFilter.AliasPattern(null, prefix);
	}

	private static @Nullable Long id(String what, @Nullable String value, List<String> problems) {
		if (value == null) {
			return null;
		}
		try {
			return Long.valueOf(value);
		}
		catch (NumberFormatException ex) {
			problems.add(what + " must be a whole number.");
			return null;
		}
	}

	/**
	 * RFC 3339 ({@code 2024-05-07T12:30:45Z}, an offset), or without an offset a UTC
	 * date-time ({@code 2024-05-07T12:30}) or date.
	 */
	private static @Nullable OffsetDateTime time(String what, @Nullable String value, List<String> problems) {
		if (value == null) {
			return null;
		}
		String text = value.replace(' ', 'T');
		try {
			return OffsetDateTime.parse(text);
		}
		catch (DateTimeParseException ex) {
			// Try the forms without an offset.
		}
		try {
			return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			// Try a date.
		}
		try {
			return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			problems.add(what + " must be a date-time such as 2024-05-07T12:30:00Z (UTC without an offset).");
			return null;
		}
	}

	private static @Nullable String trim(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		return trimmed.isEmpty() ? null : trimmed;
	}

}
