/**
 * The API for internal systems: {@code /api/events}, the snapshots, replay. Owns no
 * table: it reads through the owners' public services.
 */
@ApplicationModule(displayName = "Query API")
@NullMarked
package dev.aqid.receiver.query;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
