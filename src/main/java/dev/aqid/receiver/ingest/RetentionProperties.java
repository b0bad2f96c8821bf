package dev.aqid.receiver.ingest;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long events are kept.
 *
 * @param enabled whether old events are deleted at all
 * @param maxAge events received longer ago than this are deleted
 * @param interval how often the job runs
 * @param batchSize events deleted per statement; small, so the ingest path never waits
 */
@ConfigurationProperties("receiver.retention")
record RetentionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("90d") Duration maxAge,
		@DefaultValue("1h") Duration interval, @DefaultValue("1000") int batchSize) {

}
