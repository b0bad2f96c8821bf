/**
 * Background workers that fetch the Amiqus objects events refer to. Owns the
 * {@code snapshots} table; others read it through
 * {@link dev.aqid.receiver.enrichment.LatestSnapshots} and replay events through
 * {@link dev.aqid.receiver.enrichment.EnrichmentReplay}.
 */
@ApplicationModule(displayName = "Enrichment")
@NullMarked
package dev.aqid.receiver.enrichment;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
