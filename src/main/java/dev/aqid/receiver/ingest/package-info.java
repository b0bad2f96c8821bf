/**
 * Receives signed webhook deliveries, verifies and stores them exactly once. Owns the
 * {@code events} and {@code replay_guards} tables; other modules read events through
 * {@link dev.aqid.receiver.ingest.EventStream}, change their enrichment state through
 * {@link dev.aqid.receiver.ingest.EnrichmentQueue} and store deliveries through
 * {@link dev.aqid.receiver.ingest.DeliveryIngestion}.
 */
@ApplicationModule(displayName = "Ingest")
@NullMarked
package dev.aqid.receiver.ingest;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
