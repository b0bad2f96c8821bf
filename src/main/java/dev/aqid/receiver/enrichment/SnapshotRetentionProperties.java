package dev.aqid.receiver.enrichment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Deleting snapshots that no retained event refers to, after each round of the event
 * retention job ({@code receiver.retention.*}).
 *
 * @param enabled whether such snapshots are deleted
 * @param batchSize snapshots checked per statement
 */
@ConfigurationProperties("receiver.retention.snapshots")
record SnapshotRetentionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("500") int batchSize) {

	SnapshotRetentionProperties {
		if (batchSize < 1) {
			throw new IllegalArgumentException("receiver.retention.snapshots.batch-size must be at least 1");
		}
	}

}
