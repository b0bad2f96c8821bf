/**
 * The operator console at {@code /console}: server-rendered pages over the other modules'
 * public APIs (the event stream, snapshots, replay, the subscription and the
 * destinations), signed in with one of the API keys. Owns no table.
 */
@ApplicationModule(displayName = "Operator console")
@NullMarked
package dev.aqid.receiver.console;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
