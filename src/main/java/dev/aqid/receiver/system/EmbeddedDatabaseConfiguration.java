package dev.aqid.receiver.system;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: with no {@code spring.datasource.url}, start a real PostgreSQL
 * from the application's own classpath and hand its coordinates to Spring Boot's
 * DataSource auto-configuration (so every {@code spring.datasource.hikari.*} setting
 * still applies). The DataSource depends on the server, so it closes before the server
 * stops. The server has usually been starting since before the refresh
 * ({@link EmbeddedPostgresEarlyStart}); this bean waits for it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedPostgresServer embeddedPostgresServer(EmbeddedDatabaseProperties properties,
			ObjectProvider<EmbeddedPostgresEarlyStart.Starting> earlyStart) {
		EmbeddedPostgresEarlyStart.Starting starting = earlyStart.getIfAvailable();
		return (starting != null) ? starting.take() : EmbeddedPostgresServer.start(properties);
	}

	@Bean
	JdbcConnectionDetails embeddedPostgresConnectionDetails(EmbeddedPostgresServer server) {
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return EmbeddedPostgresServer.USER;
			}

			@Override
			public String getPassword() {
				return "";
			}

			@Override
			public String getJdbcUrl() {
				return server.jdbcUrl();
			}

		};
	}

}
