/**
 * The demo-mode Amiqus stand-in. Owns no table.
 */
@ApplicationModule(displayName = "Amiqus emulator")
@NullMarked
package dev.aqid.receiver.emulator;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
