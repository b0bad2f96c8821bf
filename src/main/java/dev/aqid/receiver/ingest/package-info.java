/**
 * Receives signed webhook deliveries, verifies and stores them exactly once. Owns the
 * {@code events} and {@code replay_guards} tables; other modules read events through
 * {@link dev.aqid.receiver.ingest.EventStream}, change their enrichment state through
 * {@link dev.aqid.receiver.ingest.EnrichmentQueue}, store deliveries through
 * {@link dev.aqid.receiver.ingest.DeliveryIngestion}, erase a client's events through
 * {@link dev.aqid.receiver.ingest.EventErasure} (publishing
 * {@link dev.aqid.receiver.ingest.EventsErased} in the erasing transaction) and learn
 * which objects retained events still name through
 * {@link dev.aqid.receiver.ingest.EventReferences} (after each
 * {@link dev.aqid.receiver.ingest.RetentionRoundCompleted}).
 */
@ApplicationModule(displayName = "Ingest")
@NullMarked
package dev.aqid.receiver.ingest;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
