package dev.aqid.receiver.registrar;

/**
 * Published after a reconcile in which our webhook exists at Amiqus and its secret is
 * accepted by this instance: deliveries Amiqus signs from now on will verify.
 *
 * @param webhookId the webhook's id at Amiqus
 */
public record SubscriptionSynced(long webhookId) {

}
