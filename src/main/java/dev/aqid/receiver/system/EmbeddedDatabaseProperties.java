package dev.aqid.receiver.system;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the embedded PostgreSQL that runs when no {@code spring.datasource.url} is
 * set.
 *
 * @param dataDir where the database keeps its files; survives restarts
 * @param embeddedDbPort TCP port on localhost, {@code 0} picks a free one
 * @param embeddedDbStartupTimeout how long to wait for the server to accept connections
 */
@ConfigurationProperties("receiver")
record EmbeddedDatabaseProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("0") int embeddedDbPort,
		@DefaultValue("60s") Duration embeddedDbStartupTimeout) {

}
