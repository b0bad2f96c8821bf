package dev.aqid.receiver.ingest;

/**
 * A delivery to store: the exact body bytes and what its headers said about it.
 *
 * @param body the raw body, exactly as signed
 * @param deliveryId {@code X-AQID-Delivery-Id} (or the delivery log's uuid), null when
 * absent
 * @param attempt {@code X-AQID-Delivery-Attempt}, null when absent or not a number
 * @param contentType the request's content type, null when absent
 * @param source how it reached us
 */
public record IncomingDelivery(byte[] body, String deliveryId, Integer attempt, String contentType, Source source) {

	/**
	 * How a delivery reached the service.
	 */
	public enum Source {

		/** Posted to the webhook endpoint by Amiqus. */
		WEBHOOK,

		/** Read from the subscription's delivery log through the authenticated API. */
		BACKFILL

	}

}
