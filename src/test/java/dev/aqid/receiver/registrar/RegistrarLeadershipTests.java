package dev.aqid.receiver.registrar;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aqid.receiver.support.ExternalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registrar lead over pooled connections, on a real PostgreSQL.
 */
class RegistrarLeadershipTests {

	@TempDir
	Path databaseDir;

	/**
	 * A validity check can fail on a live connection (a 2 s timeout on a loaded host).
	 * Closing that connection only returns it to the pool, session and advisory lock
	 * included: the lock must be released first, or no replica can lead again until the
	 * pool retires that connection.
	 */
	@Test
	void releasesTheLockWhenTheConnectionHoldingItLooksBroken() throws Exception {
		try (ExternalPostgres database = ExternalPostgres.start(this.databaseDir);
				HikariDataSource firstPool = pool(database);
				HikariDataSource secondPool = pool(database)) {
			AtomicBoolean looksBroken = new AtomicBoolean();
			RegistrarLeadership first = new RegistrarLeadership(new FailingValidity(firstPool, looksBroken));
			RegistrarLeadership second = new RegistrarLeadership(secondPool);
			assertThat(first.tryLead()).isTrue();
			assertThat(second.tryLead()).isFalse();

			looksBroken.set(true);
			first.tryLead();
			looksBroken.set(false);
			first.resign();

			assertThat(second.tryLead()).as("the other replica takes the lead once the first resigned").isTrue();
			second.resign();
		}
	}

	private static HikariDataSource pool(ExternalPostgres database) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(database.jdbcUrl());
		config.setUsername("postgres");
		config.setMaximumPoolSize(3);
		return new HikariDataSource(config);
	}

	/** Connections whose isValid answers false while the flag is set. */
	private static final class FailingValidity extends DelegatingDataSource {

		private final AtomicBoolean looksBroken;

		FailingValidity(DataSource target, AtomicBoolean looksBroken) {
			super(target);
			this.looksBroken = looksBroken;
		}

		@Override
		public Connection getConnection() throws java.sql.SQLException {
			Connection connection = super.getConnection();
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					(proxy, method, args) -> {
						if (method.getName().equals("isValid") && this.looksBroken.get()) {
							return false;
						}
						try {
							return method.invoke(connection, args);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

	}

}
