package dev.aqid.receiver.support;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * PostgreSQL 17 in a container, one per application context (so each context starts on an
 * empty database, as with the embedded server), its coordinates handed to Spring Boot by
 * {@code @ServiceConnection}. {@link TestDatabase} adds it only when a Docker engine is
 * present.
 */
@TestConfiguration(proxyBeanMethods = false)
class ContainerDatabaseConfiguration {

	static final DockerImageName IMAGE = DockerImageName.parse("postgres:17-alpine");

	@Bean
	@ServiceConnection
	PostgreSQLContainer postgres() {
		return new PostgreSQLContainer(IMAGE);
	}

}
