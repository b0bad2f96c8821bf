/**
 * Encryption at rest for the few secrets the service keeps in PostgreSQL (the learned
 * webhook secret, the OAuth token pair): one cipher, keyed by
 * {@code RECEIVER_ENCRYPTION_KEY}. Owns no table; depends on no other module.
 */
@ApplicationModule(displayName = "Encryption at rest")
@NullMarked
package dev.aqid.receiver.encryption;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
