package dev.aqid.receiver.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.aqid.receiver.ReceiverApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts and stops whole instances of the service in this JVM, for tests about start-up,
 * restarts and the database underneath.
 */
public final class RunningReceiver implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private RunningReceiver(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** An instance on the embedded PostgreSQL kept in {@code dataDir}. */
	public static RunningReceiver onDataDir(Path dataDir, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("receiver.data-dir=" + dataDir);
		return start(all);
	}

	/**
	 * The properties that point another instance at the database a test context uses,
	 * embedded or in a container alike.
	 */
	public static List<String> onDatabaseOf(JdbcConnectionDetails database) {
		return List.of("spring.datasource.url=" + database.getJdbcUrl(),
				"spring.datasource.username=" + database.getUsername(),
				"spring.datasource.password=" + database.getPassword());
	}

	public static RunningReceiver start(List<String> properties) {
		List<String> args = new ArrayList<>();
		args.add("--server.port=0");
		if (properties.stream().noneMatch((property) -> property.startsWith("amiqus.webhook.secrets="))) {
			// A secret of its own, as a real deployment has; a caller may name others, or
			// none (demo mode runs only without one).
			args.add("--amiqus.webhook.secrets=" + WebhookClient.SECRET);
		}
		// Command-line arguments, so that they win over application.yml
		// as an operator's would.
		properties.forEach((property) -> args.add("--" + property));
		return new RunningReceiver(
				new SpringApplicationBuilder(ReceiverApplication.class).run(args.toArray(String[]::new)));
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	public WebhookClient client() {
		return new WebhookClient(port());
	}

	@Override
	public void close() {
		this.context.close();
	}

}
