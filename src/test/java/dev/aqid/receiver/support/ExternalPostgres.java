package dev.aqid.receiver.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server of the test's own, on a fixed port and data directory, that
 * the service uses as its external database ({@code SPRING_DATASOURCE_URL}). A test may
 * stop it and start it again on the same port and data to cause an outage.
 */
public final class ExternalPostgres implements AutoCloseable {

	private final Path dataDir;

	private final int port;

	private EmbeddedPostgres server;

	private ExternalPostgres(Path dataDir, int port) {
		this.dataDir = dataDir;
		this.port = port;
	}

	/** Starts a server with its data in {@code dataDir} on a free port. */
	public static ExternalPostgres start(Path dataDir) throws IOException {
		ExternalPostgres postgres = new ExternalPostgres(dataDir, FreePort.find());
		postgres.startAgain();
		return postgres;
	}

	/** Starts the stopped server again, on the same port and data. */
	public void startAgain() throws IOException {
		this.server = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDir)
			.setCleanDataDirectory(false)
			.setPort(this.port)
			.setPGStartupWait(Duration.ofSeconds(60))
			.start();
	}

	/** Stops the server (a no-op when it is stopped). */
	public void stop() throws IOException {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	public int port() {
		return this.port;
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres";
	}

	/** The properties that point the service at this server. */
	public List<String> serviceProperties() {
		return List.of("spring.datasource.url=" + jdbcUrl(), "spring.datasource.username=postgres");
	}

	@Override
	public void close() throws IOException {
		stop();
	}

}
