package dev.aqid.receiver.emulator;

/**
 * The outcome of one delivery the emulator sent, as its delivery log records it.
 *
 * @param webhookId the subscription's id
 * @param deliveryId the delivery's {@code X-AQID-Delivery-Id}, also its log entry's
 * {@code uuid}
 * @param status the receiver's HTTP status, 0 when it could not be reached or did not
 * answer in time
 * @param responseBody the receiver's response body, null when there was none
 */
public record DeliveryResult(long webhookId, String deliveryId, int status, String responseBody) {

	/**
	 * Whether the receiver accepted the delivery, as Amiqus judges it.
	 * @return true for a {@code 2xx} answer
	 */
	public boolean isSuccess() {
		return this.status >= 200 && this.status <= 299;
	}

}
