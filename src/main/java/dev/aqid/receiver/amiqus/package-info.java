/**
 * The Amiqus API client and payload model, shared by the other modules. Owns no table.
 */
@ApplicationModule(displayName = "Amiqus API client")
@NullMarked
package dev.aqid.receiver.amiqus;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
