package dev.aqid.receiver.system;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the query API.
 *
 * @param keys the API keys accepted as {@code Authorization: Bearer <key>}
 * ({@code RECEIVER_API_KEYS}, comma-separated); none: the query API refuses everything
 */
@ConfigurationProperties("receiver.api")
record ApiSecurityProperties(@DefaultValue List<String> keys) {

}
