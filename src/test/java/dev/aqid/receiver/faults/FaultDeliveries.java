package dev.aqid.receiver.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.RetryingSender;
import dev.aqid.receiver.support.WebhookClient;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.awaitility.Awaitility.await;

/**
 * What the fault tests send and look for: bodies that each name their own record (so
 * every event needs its own fetch) and carry a marker that must never reach a log, and
 * the Amiqus that serves those records.
 */
final class FaultDeliveries {

	/** In every body; finding it in a log means a body was logged. */
	static final String BODY_MARKER = "body-marker-3b9f61c2-never-log-me";

	private FaultDeliveries() {
	}

	/** A {@code record.updated} delivery about record {@code firstRecordId + index}. */
	static String recordUpdated(long firstRecordId, int index) {
		long recordId = firstRecordId + index;
		return """
				{"webhook":{"uuid":"5c1d7a0e-1111-4222-8333-944445555666","created_at":"2024-05-07T12:00:00Z","events":["*"]},\
				"trigger":{"triggered_at":"2024-05-07T12:30:45Z","alias":"record.updated"},\
				"data":{"record":{"id":%d,"type":"client","show":"https://id.amiqus.co/api/v2/records/%d"},\
				"client":{"id":%d},"case":null,"note":"%s"}}"""
			.formatted(recordId, recordId, recordId + 1_000_000, BODY_MARKER);
	}

	/**
	 * The project's Amiqus emulator on a port of its own, demanding the token and serving
	 * records {@code firstRecordId} to {@code firstRecordId + count - 1}: every record a
	 * burst of {@link #recordUpdated} names. It runs in the test's JVM, so it keeps
	 * serving while the service under test is killed and restarted.
	 */
	static AmiqusEmulator amiqus(String token, long firstRecordId, int count) {
		AmiqusEmulator amiqus = StandaloneEmulator.start(0);
		try {
			amiqus.requireToken(token);
			amiqus.putRecordsAndClients(firstRecordId, count);
			return amiqus;
		}
		catch (RuntimeException ex) {
			amiqus.close();
			throw ex;
		}
	}

	/** How many of the sender's deliveries are stored and enriched. */
	static long enriched(JdbcTemplate jdbc, RetryingSender sender) {
		Long count = jdbc.queryForObject(
				"select count(*) from events where delivery_id = any(?) and enrichment_status = 'enriched'", Long.class,
				(Object) sender.deliveryIds().toArray(String[]::new));
		return (count != null) ? count : 0;
	}

	/** Waits until the service on {@code port} says it is ready, or fails. */
	static void awaitReady(int port, Duration timeout) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(2))
			.build();
		// Not listening yet is an IOException: keep asking until the deadline.
		await("the service on port " + port + " ready").atMost(timeout)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(java.io.IOException.class)
			.until(() -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
	}

	/** The secrets and markers found in the given text, to be asserted empty. */
	static List<String> leaks(String log, String apiToken) {
		List<String> leaks = new ArrayList<>();
		if (log.contains(WebhookClient.SECRET)) {
			leaks.add("the webhook secret");
		}
		if (log.contains(apiToken)) {
			leaks.add("the API token");
		}
		if (log.contains(BODY_MARKER)) {
			leaks.add("a delivery body");
		}
		return leaks;
	}

	static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file) : "";
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
