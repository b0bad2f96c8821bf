package dev.aqid.receiver.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotatedBeanDefinitionReader;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * The one place that decides which PostgreSQL the tests' application contexts use:
 * PostgreSQL 17 in a Testcontainers container ({@link ContainerDatabaseConfiguration},
 * {@code @ServiceConnection}) when a Docker engine is present, the service's own embedded
 * PostgreSQL otherwise. Every {@code @SpringBootTest} goes through here (registered in
 * {@code META-INF/spring.factories}), so the same tests run either way, and the log says
 * once which database they got.
 * <p>
 * Docker is probed once per test JVM and the answer kept, so the probe costs its time
 * once, not once per context; with no {@code DOCKER_HOST} and no Docker socket where
 * Testcontainers looks, the answer is no at once, without the probe.
 * {@code TEST_DATABASE} (environment) or {@code -Dtest.database} set to {@code embedded}
 * or {@code container} skips the probe.
 * <p>
 * Instances a test starts itself ({@link RunningReceiver}, a JVM of their own) and tests
 * about the embedded or an external database keep the database they name.
 */
public final class TestDatabase implements ContextCustomizerFactory {

	private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		if (!MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY).isPresent(SpringBootTest.class)) {
			return null;
		}
		return Choice.inContainer ? new InContainer() : null;
	}

	/** Whether this JVM's tests run on a container, decided on first use and kept. */
	private static final class Choice {

		static final boolean inContainer = decide();

		private static boolean decide() {
			String asked = System.getProperty("test.database", System.getenv("TEST_DATABASE"));
			if (asked != null && !asked.isBlank()) {
				boolean container = asked.trim().toLowerCase(Locale.ROOT).equals("container");
				log.info("Tests use {} (asked for with test.database/TEST_DATABASE={})", describe(container), asked);
				return container;
			}
			long started = System.nanoTime();
			boolean docker = dockerAvailable();
			long tookMillis = (System.nanoTime() - started) / 1_000_000;
			log.info("Tests use {}: {} (Docker probe took {} ms, done once for this JVM)", describe(docker),
					docker ? "a Docker engine is present" : "no Docker engine found", tookMillis);
			return docker;
		}

		private static boolean dockerAvailable() {
			if (!anyDockerEndpointConfigured()) {
				// Testcontainers would try every strategy and log an ERROR first.
				return false;
			}
			try {
				return DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException | LinkageError ex) {
				return false;
			}
		}

		/**
		 * Where Testcontainers looks for an engine: {@code DOCKER_HOST}, its own
		 * properties file, and the usual sockets (Docker Engine, Docker Desktop, rootless
		 * Docker, Colima, Rancher Desktop). With none of them there is nothing to probe.
		 */
		private static boolean anyDockerEndpointConfigured() {
			if (System.getenv("DOCKER_HOST") != null) {
				return true;
			}
			Path home = Path.of(System.getProperty("user.home"));
			List<Path> candidates = new ArrayList<>(
					List.of(home.resolve(".testcontainers.properties"), Path.of("/var/run/docker.sock"),
							home.resolve(".docker/run/docker.sock"), home.resolve(".docker/desktop/docker.sock"),
							home.resolve(".colima/default/docker.sock"), home.resolve(".rd/docker.sock")));
			String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
			if (runtimeDir != null) {
				candidates.add(Path.of(runtimeDir, "docker.sock"));
			}
			return candidates.stream().anyMatch(Files::exists);
		}

		private static String describe(boolean container) {
			return container ? "PostgreSQL in a Testcontainers container (" + ContainerDatabaseConfiguration.IMAGE + ")"
					: "the embedded PostgreSQL";
		}

	}

	/**
	 * Adds the container to the context and turns the embedded server off; the
	 * container's connection details win over any {@code spring.datasource.*}. All
	 * instances are equal, so contexts that differ only by this still share the cache.
	 */
	private record InContainer() implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			TestPropertyValues.of("receiver.embedded-db-enabled=false").applyTo(context);
			BeanDefinitionRegistry registry = (context instanceof BeanDefinitionRegistry contextRegistry)
					? contextRegistry : (BeanDefinitionRegistry) context.getBeanFactory();
			new AnnotatedBeanDefinitionReader(registry).registerBean(ContainerDatabaseConfiguration.class);
		}

	}

}
