package dev.aqid.receiver.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo's internal system: demo mode forwards every settled event here
 * ({@code receiver.destinations[0]}, named {@code demo}), so a newcomer sees a push. It
 * verifies the Standard Webhooks signature as a consumer would (with its own code, not
 * the forwarding module's), logs one line per event and lists the last ones at
 * {@code GET /emulator/destination}.
 */
@RestController
@RequestMapping(DemoDestinationController.PATH)
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
class DemoDestinationController {

	static final String PATH = "/emulator/destination";

	/** The demo destination's secret: a well-known value, like the demo's API key. */
	static final String SECRET = "whsec_"
			+ Base64.getEncoder().encodeToString("demo destination key, not a secret".getBytes(StandardCharsets.UTF_8));

	private static final Logger log = LoggerFactory.getLogger(DemoDestinationController.class);

	private static final int KEPT = 100;

	private final Deque<Received> received = new ArrayDeque<>();

	@PostMapping
	ResponseEntity<Void> receive(@RequestHeader("webhook-id") String id,
			@RequestHeader("webhook-timestamp") String timestamp, @RequestHeader("webhook-signature") String signature,
			@RequestBody byte[] body) {
		boolean verified = verify(id, timestamp, signature, body);
		JsonNode json = EmulatorJson.MAPPER.readTree(body);
		Received event = new Received(id, json.path("type").asString(),
				json.path("data").path("event").path("event_id").asString(), verified, Instant.now());
		synchronized (this.received) {
			this.received.addFirst(event);
			while (this.received.size() > KEPT) {
				this.received.removeLast();
			}
		}
		log.info("Demo destination received {} (event {}, webhook-id {}): signature {}", event.type(), event.eventId(),
				id, verified ? "verified" : "WRONG");
		return ResponseEntity.status(verified ? HttpStatus.NO_CONTENT : HttpStatus.UNAUTHORIZED).build();
	}

	@GetMapping
	List<Received> received() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	private static boolean verify(String id, String timestamp, String signatures, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)))
				.getBytes(StandardCharsets.UTF_8);
			for (String signature : signatures.split(" ")) {
				if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))) {
					return true;
				}
			}
			return false;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * One forwarded event as the demo destination got it.
	 */
	record Received(@JsonProperty("webhook_id") String webhookId, String type, @JsonProperty("event_id") String eventId,
			boolean verified, @JsonProperty("received_at") Instant receivedAt) {

	}

}
