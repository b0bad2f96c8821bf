/**
 * Keeps our webhook subscribed at Amiqus (one leader across replicas) and backfills
 * missed deliveries. Owns the {@code subscription} table.
 */
@ApplicationModule(displayName = "Registrar")
@NullMarked
package dev.aqid.receiver.registrar;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
