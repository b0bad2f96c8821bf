package dev.aqid.receiver.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhooks/amiqus}: bound the body, verify its signature, store it, answer.
 * Nothing here waits for the Amiqus API.
 */
@RestController
class WebhookController {

	static final String SIGNATURE = "X-AQID-Signature";

	static final String DELIVERY_ID = "X-AQID-Delivery-Id";

	static final String DELIVERY_ATTEMPT = "X-AQID-Delivery-Attempt";

	private final SignatureVerifier verifier;

	private final DeliveryIngestion ingestion;

	private final IngestMetrics metrics;

	private final RejectionLog rejections;

	private final int maxBodySize;

	WebhookController(SignatureVerifier verifier, DeliveryIngestion ingestion, IngestMetrics metrics,
			RejectionLog rejections, IngestProperties properties) {
		this.verifier = verifier;
		this.ingestion = ingestion;
		this.metrics = metrics;
		this.rejections = rejections;
		this.maxBodySize = (int) Math.min(Integer.MAX_VALUE - 16, properties.maxBodySize().toBytes());
	}

	@PostMapping("/webhooks/amiqus")
	ResponseEntity<Acknowledgement> receive(HttpServletRequest request) {
		// Read from the request rather than bound with @RequestHeader: binding resolves
		// each
		// annotation's attributes (placeholders, expressions) on every request, a
		// measurable share of a request that otherwise only verifies and stores.
		String signature = request.getHeader(SIGNATURE);
		String deliveryId = request.getHeader(DELIVERY_ID);
		String attempt = request.getHeader(DELIVERY_ATTEMPT);
		Optional<byte[]> claimedDigest = SignatureVerifier.decode(signature);
		if (claimedDigest.isEmpty()) {
			return reject((signature == null) ? "signature_missing" : "signature_malformed", deliveryId, request);
		}
		byte[] body = readBoundedBody(request);
		if (!this.verifier.isAuthentic(body, claimedDigest.get())) {
			return reject("signature_mismatch", deliveryId, request);
		}
		StoredEvent stored = this.ingestion.ingest(new IncomingDelivery(body, deliveryId, parseAttempt(attempt),
				request.getContentType(), IncomingDelivery.Source.WEBHOOK));
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(new Acknowledgement(Long.toString(stored.eventId()), stored.duplicate()));
	}

	private ResponseEntity<Acknowledgement> reject(String reason, String deliveryId, HttpServletRequest request) {
		this.metrics.rejected(reason);
		this.rejections.refused(reason, deliveryId, request.getRemoteAddr());
		// 404, as Amiqus advises: an unsigned caller learns nothing about this endpoint.
		return ResponseEntity.notFound().build();
	}

	private byte[] readBoundedBody(HttpServletRequest request) {
		if (request.getContentLengthLong() > this.maxBodySize) {
			throw new PayloadTooLarge(this.maxBodySize);
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes(this.maxBodySize + 1);
			if (body.length > this.maxBodySize) {
				throw new PayloadTooLarge(this.maxBodySize);
			}
			return body;
		}
		catch (IOException ex) {
			throw new BodyUnreadable(ex);
		}
	}

	private static Integer parseAttempt(String attempt) {
		if (attempt == null) {
			return null;
		}
		try {
			return Integer.valueOf(attempt.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> payloadTooLarge(PayloadTooLarge ex, HttpServletRequest request) {
		this.metrics.rejected("too_large");
		this.rejections.refused("too_large", request.getHeader(DELIVERY_ID), request.getRemoteAddr());
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
			.header(HttpHeaders.CONNECTION, "close")
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
					"The body is larger than " + ex.limit + " bytes"));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> bodyUnreadable(BodyUnreadable ex, HttpServletRequest request) {
		this.metrics.rejected("body_unreadable");
		this.rejections.refused("body_unreadable", request.getHeader(DELIVERY_ID), request.getRemoteAddr());
		return ResponseEntity.badRequest()
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request body could not be read"));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> storeUnavailable(StoreUnavailable ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, "30")
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
					"The delivery could not be stored; it was not accepted. Deliver it again later."));
	}

	/**
	 * The answer to a stored delivery; Amiqus shows it to the team in its delivery log.
	 */
	record Acknowledgement(@JsonProperty("event_id") String eventId, boolean duplicate) {

	}

	static final class PayloadTooLarge extends RuntimeException {

		private final int limit;

		PayloadTooLarge(int limit) {
			super("Body larger than " + limit + " bytes", null, false, false);
			this.limit = limit;
		}

	}

	static final class BodyUnreadable extends RuntimeException {

		BodyUnreadable(IOException cause) {
			super("Could not read the request body", cause);
		}

	}

}
