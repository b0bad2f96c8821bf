/**
 * Cross-cutting configuration: security, the embedded database, request ids, tracing
 * ({@link dev.aqid.receiver.system.EventTracing}, off without an OTLP endpoint). Owns no
 * table.
 */
@ApplicationModule(displayName = "System")
@NullMarked
package dev.aqid.receiver.system;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
