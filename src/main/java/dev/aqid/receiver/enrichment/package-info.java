/**
 * Background workers that fetch the Amiqus objects events refer to. Owns the
 * {@code snapshots} table; others read it through
 * {@link dev.aqid.receiver.enrichment.LatestSnapshots}, replay events through
 * {@link dev.aqid.receiver.enrichment.EnrichmentReplay} and erase a client through
 * {@link dev.aqid.receiver.enrichment.ClientErasure}. Snapshots are redacted before they
 * are stored ({@code receiver.redaction.*}) and deleted once no retained event names
 * their object.
 */
@ApplicationModule(displayName = "Enrichment")
@NullMarked
package dev.aqid.receiver.enrichment;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
