package dev.aqid.receiver.enrichment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Automated erasure.
 *
 * @param onDeletionReminder erase a client's snapshots and events when Amiqus sends
 * {@code client.deletion_reminder_due} (its deletion date has come), as Amiqus suggests
 * for automated deletion; off by default
 */
@ConfigurationProperties("receiver.erasure")
record ErasureProperties(@DefaultValue("false") boolean onDeletionReminder) {

}
