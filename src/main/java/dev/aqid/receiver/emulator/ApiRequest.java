package dev.aqid.receiver.emulator;

import java.time.Instant;

/**
 * One API request the emulator received, for tests to check what was called.
 *
 * @param method the HTTP method, such as {@code GET}
 * @param path the path below the base URL with its query as sent, such as
 * {@code /webhooks?page=1&limit=100}
 * @param receivedAt when it arrived
 */
public record ApiRequest(String method, String path, Instant receivedAt) {

}
