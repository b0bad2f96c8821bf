package dev.aqid.receiver.forwarding;

/**
 * A delivery's status as the API names it ({@code outbox.status}): pending (waiting for
 * an attempt or a retry), delivered (answered 2xx) or failed (attempts used up).
 */
public enum DeliveryStatus {

	pending, delivered, failed

}
