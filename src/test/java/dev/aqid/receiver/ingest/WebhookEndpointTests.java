package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.function.IntFunction;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import dev.aqid.receiver.support.ReceiverServerTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aqid.receiver.support.WebhookClient;
import dev.aqid.receiver.support.WebhookClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract's "Receiving" section, exercised over real HTTP against the running
 * service and its real PostgreSQL.
 */
@ReceiverServerTest
class WebhookEndpointTests {

	@LocalServerPort
	int port;

	@Autowired
	Events events;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	WebhookClient client;

	@BeforeEach
	void setUp() {
		this.client = new WebhookClient(this.port);
	}

	@Test
	void storesSignedDeliveryBeforeAnsweringWithItsEventId() {
		String deliveryId = UUID.randomUUID().toString();
		String body = WebhookClient.recordEvent("record.finished", 4567, 123);

		Answer answer = this.client.deliver(body, deliveryId);

		assertThat(answer.status()).isEqualTo(202);
		assertThat(answer.duplicate()).isFalse();
		Event event = this.events.findById(Long.valueOf(answer.eventId())).orElseThrow();
		assertThat(event.getRawBody()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
		assertThat(event.getPayload()).contains("\"record.finished\"");
		assertThat(event.getDeliveryId()).isEqualTo(deliveryId);
		assertThat(event.getAttempt()).isEqualTo(1);
		assertThat(event.getAlias()).isEqualTo("record.finished");
		assertThat(event.getTriggeredAt()).isEqualTo(Instant.parse("2024-05-07T12:30:45Z"));
		assertThat(event.getWebhookUuid()).isEqualTo("5c1d7a0e-1111-4222-8333-944445555666");
		assertThat(event.getRecordId()).isEqualTo(4567L);
		assertThat(event.getRecordType()).isEqualTo("client");
		assertThat(event.getClientId()).isEqualTo(123L);
		assertThat(event.getBodySha256()).isEqualTo(sha256(body.getBytes(StandardCharsets.UTF_8)));
		assertThat(event.getReceivedAt()).isBefore(Instant.now().plusSeconds(1));
		assertThat(event.getSource()).isEqualTo("webhook");
		assertThat(event.getContentType()).isEqualTo("application/json");
		assertThat(event.getEnrichmentStatus()).isEqualTo(EnrichmentStatus.pending);
	}

	@Test
	void answersRedeliveryWithTheFirstEventId() {
		String deliveryId = UUID.randomUUID().toString();
		// A body of its own: another test class in the shared instance may have stored
		// recordEvent(..., 1, 2) already, and a stored body is a replay.
		String body = WebhookClient.recordEvent("record.updated",
				ThreadLocalRandom.current().nextLong(1, 1_000_000_000L), 2);

		Answer first = this.client.deliver(body, deliveryId);
		Answer again = this.client.deliver(body, deliveryId);

		assertThat(again.status()).isEqualTo(202);
		assertThat(again.duplicate()).isTrue();
		assertThat(again.eventId()).isEqualTo(first.eventId());
		assertThat(rowsWithDeliveryId(deliveryId)).isEqualTo(1);
	}

	@Test
	void dedupesByDeliveryIdEvenWhenTheAttemptHeaderChanges() {
		String deliveryId = UUID.randomUUID().toString();
		byte[] body = WebhookClient.recordEvent("record.updated", 3, 4).getBytes(StandardCharsets.UTF_8);
		Answer first = this.client.deliver(body, deliveryId);

		Answer retry = this.client.post(body, Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECRET, body),
				"X-AQID-Delivery-Id", deliveryId, "X-AQID-Delivery-Attempt", "2"));

		assertThat(retry.duplicate()).isTrue();
		assertThat(retry.eventId()).isEqualTo(first.eventId());
	}

	@Test
	void answersACapturedBodySentAgainUnderANewDeliveryIdAsADuplicateOfTheFirst() {
		String body = WebhookClient.recordEvent("record.updated", 5, System.nanoTime());
		double replaysBefore = replayedBodies();
		Answer first = this.client.deliver(body, UUID.randomUUID().toString());

		Answer replayed = this.client.deliver(body, UUID.randomUUID().toString());
		Answer withoutId = this.client.deliver(body, null);

		assertThat(first.duplicate()).isFalse();
		assertThat(List.of(replayed, withoutId)).allSatisfy((answer) -> {
			assertThat(answer.status()).isEqualTo(202);
			assertThat(answer.duplicate()).isTrue();
			assertThat(answer.eventId()).isEqualTo(first.eventId());
		});
		assertThat(rowsWithBody(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
		assertThat(replayedBodies() - replaysBefore).isEqualTo(2);
	}

	@Test
	void givesConcurrentCopiesOfOneBodyUnderDifferentDeliveryIdsOneEvent() {
		String body = WebhookClient.recordEvent("record.finished", 55, System.nanoTime());

		List<Answer> done = atOnce(16, (i) -> this.client.deliver(body, UUID.randomUUID().toString()));

		assertThat(done).allSatisfy((answer) -> assertThat(answer.status()).isEqualTo(202));
		assertThat(done.stream().map(Answer::eventId).distinct()).hasSize(1);
		assertThat(done.stream().filter((answer) -> !answer.duplicate())).hasSize(1);
		assertThat(rowsWithBody(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
	}

	@Test
	void storesABodyAgainOnceItsReplayWindowHasPassed() {
		byte[] body = WebhookClient.recordEvent("record.updated", 56, System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		Answer first = this.client.deliver(body, UUID.randomUUID().toString());
		this.jdbc.update(
				"update replay_guards set guarded_at = now() - interval '7 days 1 minute' where body_sha256 = ?",
				(Object) sha256(body));

		Answer afterTheWindow = this.client.deliver(body, UUID.randomUUID().toString());
		Answer copyOfThat = this.client.deliver(body, UUID.randomUUID().toString());

		assertThat(afterTheWindow.duplicate()).isFalse();
		assertThat(afterTheWindow.eventId()).isNotEqualTo(first.eventId());
		assertThat(copyOfThat.duplicate()).isTrue();
		assertThat(copyOfThat.eventId()).isEqualTo(afterTheWindow.eventId());
		assertThat(rowsWithBody(body)).isEqualTo(2);
	}

	@Test
	void storesABodyAgainWhenItsFirstEventIsGone() {
		byte[] body = WebhookClient.recordEvent("record.updated", 57, System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		Answer first = this.client.deliver(body, UUID.randomUUID().toString());
		this.jdbc.update("delete from events where id = ?", Long.valueOf(first.eventId()));

		Answer again = this.client.deliver(body, UUID.randomUUID().toString());

		assertThat(again.status()).isEqualTo(202);
		assertThat(again.duplicate()).isFalse();
		assertThat(rowsWithBody(body)).isEqualTo(1);
	}

	@Test
	void dedupesByBodyWhenThereIsNoDeliveryId() {
		String body = WebhookClient.recordEvent("client.updated", 0, System.nanoTime());
		Answer first = this.client.deliver(body, null);
		Answer again = this.client.deliver(body, null);
		Answer other = this.client.deliver(body.replace("client.updated", "client.status"), null);

		assertThat(first.duplicate()).isFalse();
		assertThat(again.duplicate()).isTrue();
		assertThat(again.eventId()).isEqualTo(first.eventId());
		assertThat(other.duplicate()).isFalse();
		assertThat(other.eventId()).isNotEqualTo(first.eventId());
		assertThat(rowsWithBody(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
	}

	@Test
	void givesConcurrentRedeliveriesOneEventAndTheSameId() {
		String deliveryId = UUID.randomUUID().toString();
		String body = WebhookClient.recordEvent("record.updated", 77, 88);
		int callers = 16;

		List<Answer> done = atOnce(callers, (i) -> this.client.deliver(body, deliveryId));

		assertThat(done).allSatisfy((answer) -> assertThat(answer.status()).isEqualTo(202));
		assertThat(done.stream().map(Answer::eventId).distinct()).hasSize(1);
		assertThat(done.stream().filter((answer) -> !answer.duplicate())).hasSize(1);
		assertThat(rowsWithDeliveryId(deliveryId)).isEqualTo(1);
	}

	@Test
	void storesEveryDeliveryOfABusyMomentEvenWhenOneOfThemIsRefusedAsJsonb() {
		// Deliveries arriving together are stored by one statement; one that
		// PostgreSQL will not take as jsonb must not cost the others.
		int callers = 24;
		String nulEscape = "{\"trigger\":{\"alias\":\"record.updated\"},\"note\":\"a\\u0000b\",\"n\":\""
				+ UUID.randomUUID() + "\"}";

		List<Answer> done = atOnce(callers,
				(i) -> this.client.deliver(
						(i == 0) ? nulEscape : WebhookClient.recordEvent("record.updated", 9000 + i, i),
						UUID.randomUUID().toString()));

		assertThat(done).allSatisfy((answer) -> assertThat(answer.status()).isEqualTo(202));
		assertThat(done.stream().map(Answer::eventId).distinct()).hasSize(callers);
		assertThat(this.events.findById(Long.valueOf(done.get(0).eventId())).orElseThrow().getPayload()).isNull();
		assertThat(done.subList(1, callers)).allSatisfy(
				(answer) -> assertThat(this.events.findById(Long.valueOf(answer.eventId())).orElseThrow().getPayload())
					.contains("record.updated"));
	}

	@Test
	void acceptsEveryConfiguredSecret() {
		byte[] body = WebhookClient.recordEvent("record.created", 9, 10).getBytes(StandardCharsets.UTF_8);
		Answer answer = this.client.post(body,
				Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECOND_SECRET, body), "X-AQID-Delivery-Id",
						UUID.randomUUID().toString()));

		assertThat(answer.status()).isEqualTo(202);
	}

	@Test
	void refusesMissingMalformedAndWrongSignaturesWith404AndStoresNothing() {
		byte[] body = WebhookClient.recordEvent("record.created", 11, System.nanoTime())
			.getBytes(StandardCharsets.UTF_8);
		String valid = WebhookClient.sign(WebhookClient.SECRET, body);
		List<Map<String, String>> forgeries = List.of(Map.of(), Map.of("X-AQID-Signature", ""),
				Map.of("X-AQID-Signature", "not-base64!"), Map.of("X-AQID-Signature", "AAAA"),
				Map.of("X-AQID-Signature", WebhookClient.sign("a guessed secret", body)),
				Map.of("X-AQID-Signature", "sha256=" + valid));

		for (Map<String, String> headers : forgeries) {
			Answer answer = this.client.post(body, headers);
			assertThat(answer.status()).as("signature headers %s", headers).isEqualTo(404);
			assertThat(answer.body()).isEmpty();
		}
		assertThat(rowsWithBody(body)).isZero();
	}

	@Test
	void refusesTamperedBody() {
		byte[] body = WebhookClient.recordEvent("record.created", 12, 13).getBytes(StandardCharsets.UTF_8);
		String signature = WebhookClient.sign(WebhookClient.SECRET, body);
		byte[] tampered = WebhookClient.recordEvent("record.created", 12, 14).getBytes(StandardCharsets.UTF_8);

		Answer answer = this.client.post(tampered, Map.of("X-AQID-Signature", signature));

		assertThat(answer.status()).isEqualTo(404);
		assertThat(rowsWithBody(tampered)).isZero();
	}

	@Test
	void refusesBodyOverOneMebibyteWith413() {
		byte[] body = new byte[1024 * 1024 + 1];
		Arrays.fill(body, (byte) 'a');
		Map<String, String> headers = Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECRET, body));

		Answer declared = this.client.post(body, headers);
		Answer chunked = this.client.postChunked(body, headers);

		assertThat(declared.status()).isEqualTo(413);
		assertThat(declared.contentType()).isEqualTo("application/problem+json");
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(rowsWithBody(body)).isZero();
	}

	@Test
	void acceptsBodyOfExactlyOneMebibyte() {
		byte[] body = new byte[1024 * 1024];
		Arrays.fill(body, (byte) 'b');
		body[0] = (byte) System.nanoTime();

		Answer answer = this.client.deliver(body, UUID.randomUUID().toString());

		assertThat(answer.status()).isEqualTo(202);
		assertThat(rowsWithBody(body)).isEqualTo(1);
	}

	@Test
	void storesSignedBodyThatIsNotJson() {
		byte[] body = ("alias=record.updated&nonce=" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

		Answer answer = this.client.deliver(body, null);

		assertThat(answer.status()).isEqualTo(202);
		Event event = this.events.findById(Long.valueOf(answer.eventId())).orElseThrow();
		assertThat(event.getRawBody()).isEqualTo(body);
		assertThat(event.getPayload()).isNull();
		assertThat(event.getAlias()).isNull();
	}

	@Test
	void storesSignedJsonThatPostgresCannotHoldAsJsonb() {
		// Valid JSON, but jsonb refuses the \u0000 escape: the raw
		// bytes are kept all the same.
		String body = "{\"trigger\":{\"alias\":\"record.updated\"},\"data\":{\"note\":\"a\\u0000b\"},\"n\":\""
				+ UUID.randomUUID() + "\"}";

		Answer answer = this.client.deliver(body, UUID.randomUUID().toString());

		assertThat(answer.status()).isEqualTo(202);
		Event event = this.events.findById(Long.valueOf(answer.eventId())).orElseThrow();
		assertThat(event.getRawBody()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
		assertThat(event.getPayload()).isNull();
	}

	@Test
	void storesASignedFormEncodedBodyVerbatim() {
		// A servlet container may consume form bodies as parameters; the
		// signed bytes must reach verification and storage untouched,
		// whatever the content type says.
		byte[] body = ("alias=record.updated&nonce=" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

		Answer answer = this.client.post(body,
				Map.of("Content-Type", "application/x-www-form-urlencoded", "X-AQID-Signature",
						WebhookClient.sign(WebhookClient.SECRET, body), "X-AQID-Delivery-Id",
						UUID.randomUUID().toString()));

		assertThat(answer.status()).isEqualTo(202);
		Event event = this.events.findById(Long.valueOf(answer.eventId())).orElseThrow();
		assertThat(event.getRawBody()).isEqualTo(body);
		assertThat(event.getContentType()).isEqualTo("application/x-www-form-urlencoded");
	}

	@Test
	void storesJsonOfUnknownShapeAndUnknownAliases() {
		String unknownAlias = "{\"trigger\":{\"alias\":\"invoice.paid\"},\"data\":{\"invoice\":{\"id\":1}},\"n\":"
				+ System.nanoTime() + "}";
		String array = "[\"" + UUID.randomUUID() + "\"]";

		Answer first = this.client.deliver(unknownAlias, null);
		Answer second = this.client.deliver(array, null);

		assertThat(first.status()).isEqualTo(202);
		assertThat(this.events.findById(Long.valueOf(first.eventId())).orElseThrow().getAlias())
			.isEqualTo("invoice.paid");
		assertThat(second.status()).isEqualTo(202);
		assertThat(this.events.findById(Long.valueOf(second.eventId())).orElseThrow().getPayload()).startsWith("[");
	}

	@Test
	void storesPingDeliveriesOfBothShapes() {
		String deliveryLogShape = "{\"uuid\":\"" + UUID.randomUUID()
				+ "\",\"event\":\"ping\",\"sent_at\":\"2024-05-07T12:30:45Z\",\"data\":[\"ping\"]}";
		String olderShape = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID()
				+ "\"},\"trigger\":{\"alias\":\"ping\"},\"data\":[\"ping\"]}";

		for (String body : List.of(deliveryLogShape, olderShape)) {
			Answer answer = this.client.deliver(body, UUID.randomUUID().toString());
			assertThat(answer.status()).isEqualTo(202);
			assertThat(this.events.findById(Long.valueOf(answer.eventId())).orElseThrow().getAlias()).isEqualTo("ping");
		}
	}

	@Test
	void keepsAnOversizedDeliveryIdAndStillDedupesOnIt() {
		String deliveryId = "x".repeat(4000) + UUID.randomUUID();
		String body = WebhookClient.recordEvent("record.updated", 15, 16);

		Answer first = this.client.deliver(body, deliveryId);
		Answer again = this.client.deliver(body, deliveryId);

		assertThat(first.status()).isEqualTo(202);
		assertThat(again.duplicate()).isTrue();
		assertThat(again.eventId()).isEqualTo(first.eventId());
		assertThat(this.events.findById(Long.valueOf(first.eventId())).orElseThrow().getDeliveryId())
			.isEqualTo(deliveryId);
	}

	private int rowsWithDeliveryId(String deliveryId) {
		return this.jdbc.queryForObject("select count(*) from events where delivery_id = ?", Integer.class, deliveryId);
	}

	private double replayedBodies() {
		Counter counter = this.meters.find("receiver.deliveries").tag("reason", "replayed_body").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private int rowsWithBody(byte[] body) {
		return this.jdbc.queryForObject("select count(*) from events where body_sha256 = ?", Integer.class,
				(Object) sha256(body));
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends {@code callers} deliveries released at the same moment; answers in caller
	 * order.
	 */
	private static List<Answer> atOnce(int callers, IntFunction<Answer> send) {
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(callers);
		try {
			List<CompletableFuture<Answer>> answers = IntStream.range(0, callers)
				.mapToObj((i) -> CompletableFuture.supplyAsync(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return send.apply(i);
				}, pool))
				.toList();
			start.countDown();
			return answers.stream().map(CompletableFuture::join).toList();
		}
		finally {
			pool.shutdownNow();
		}
	}

}
