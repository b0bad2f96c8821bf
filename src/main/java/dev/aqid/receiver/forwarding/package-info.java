/**
 * Forwards settled events to internal destinations: signed pushes (Standard Webhooks)
 * with retries, order per record, client or case, and replay. Owns the {@code outbox}
 * table, which ingest's settling transaction fills through the
 * {@link dev.aqid.receiver.ingest.EventSettled} event; others read it through
 * {@link dev.aqid.receiver.forwarding.ForwardingDestinations}.
 */
@ApplicationModule(displayName = "Forwarding")
@NullMarked
package dev.aqid.receiver.forwarding;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
