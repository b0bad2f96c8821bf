package dev.aqid.receiver.forwarding;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The configured destinations, checked at start-up: a bad one stops the service with a
 * message naming it and its environment variable (never the secret's value).
 */
@Component
class Destinations {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private final List<Destination> all;

	Destinations(DestinationsProperties properties, ForwardingProperties forwarding) {
		this.all = check(properties.destinations(), forwarding.maxAttempts(), forwarding.workersPerDestination());
	}

	List<Destination> all() {
		return this.all;
	}

	Optional<Destination> named(String name) {
		return this.all.stream().filter((destination) -> destination.name().equals(name)).findFirst();
	}

	static List<Destination> check(List<DestinationsProperties.Entry> entries, int defaultMaxAttempts,
			int defaultWorkers) {
		List<Destination> destinations = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < entries.size(); i++) {
			DestinationsProperties.Entry entry = entries.get(i);
			String name = blank(entry.name()) ? "destination-" + i : entry.name().trim();
			if (!NAME.matcher(name).matches()) {
				throw invalid(i, "name", "'" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
			}
			if (!names.add(name)) {
				throw invalid(i, "name", "'" + name + "' is already the name of another destination");
			}
			URI url = url(i, entry.url());
			List<String> events = events(i, entry.events());
			if (blank(entry.secret())) {
				throw invalid(i, "secret", "is required: whsec_ followed by base64 of the key bytes");
			}
			List<byte[]> keys;
			try {
				keys = StandardWebhooksSignature.keys(entry.secret());
			}
			catch (IllegalArgumentException ex) {
				throw invalid(i, "secret", ex.getMessage());
			}
			int maxAttempts = (entry.maxAttempts() != null) ? entry.maxAttempts() : defaultMaxAttempts;
			if (maxAttempts < 1) {
				throw invalid(i, "max-attempts", "must be at least 1");
			}
			int workers = (entry.workers() != null) ? entry.workers() : defaultWorkers;
			if (workers < 1) {
				throw invalid(i, "workers", "must be at least 1");
			}
			destinations.add(new Destination(name, url, events, keys, maxAttempts, workers));
		}
		return List.copyOf(destinations);
	}

	private static URI url(int i, @Nullable String value) {
		if (blank(value)) {
			throw invalid(i, "url", "is required");
		}
		try {
			URI url = new URI(value.trim());
			if (!("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
					|| url.getHost() == null) {
				throw invalid(i, "url", "must be an absolute http or https URL");
			}
			return url;
		}
		catch (URISyntaxException ex) {
			throw invalid(i, "url", "is not a valid URL: " + ex.getReason());
		}
	}

	private static List<String> events(int i, @Nullable String value) {
		if (blank(value)) {
			return List.of("*");
		}
		List<String> events = Arrays.stream(value.split(",")).map(String::trim).toList();
		for (String event : events) {
			if (event.isEmpty()) {
				throw invalid(i, "events", "has an empty alias in '" + value + "'");
			}
			int star = event.indexOf('*');
			if (star >= 0 && star != event.length() - 1) {
				throw invalid(i, "events", "'" + event + "' may have one wildcard, at the end (record.* or *)");
			}
		}
		return events;
	}

	private static boolean blank(@Nullable String value) {
		return value == null || value.isBlank();
	}

	private static IllegalStateException invalid(int i, String property, String problem) {
		return new IllegalStateException("Destination " + i + ": receiver.destinations[" + i + "]." + property
				+ " (RECEIVER_DESTINATIONS_" + i + "_" + property.toUpperCase().replace('-', '_') + ") " + problem);
	}

}
