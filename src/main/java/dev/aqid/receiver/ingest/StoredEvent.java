package dev.aqid.receiver.ingest;

/**
 * The outcome of storing a delivery.
 *
 * @param eventId the event's id; the first delivery's id for a redelivery
 * @param duplicate whether the delivery had been stored before
 */
public record StoredEvent(long eventId, boolean duplicate) {

}
