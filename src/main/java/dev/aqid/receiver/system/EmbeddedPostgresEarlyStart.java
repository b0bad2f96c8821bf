package dev.aqid.receiver.system;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * Starts the embedded PostgreSQL on its own thread as soon as the application's
 * environment is known (before the context refreshes), so that the server's start (initdb
 * on a fresh data dir, recovery and start-up on an existing one) overlaps the context's
 * own start instead of waiting for the first bean that needs the DataSource.
 * <p>
 * It decides exactly as {@link EmbeddedDatabaseConfiguration} does (the same condition,
 * the same {@link EmbeddedDatabaseProperties}) and hands the server over to that
 * configuration's bean through the context (registered in
 * {@code META-INF/spring.factories}). A context that fails before taking it stops it.
 */
class EmbeddedPostgresEarlyStart implements ApplicationListener<ApplicationPreparedEvent> {

	static final String BEAN_NAME = "embeddedPostgresEarlyStart";

	@Override
	public void onApplicationEvent(ApplicationPreparedEvent event) {
		ConfigurableListableBeanFactory beanFactory = event.getApplicationContext().getBeanFactory();
		if (!NoExternalDatabaseConfigured.matches(event.getApplicationContext().getEnvironment())
				|| beanFactory.containsSingleton(BEAN_NAME)) {
			return;
		}
		EmbeddedDatabaseProperties properties = Binder.get(event.getApplicationContext().getEnvironment())
			.bindOrCreate("receiver", EmbeddedDatabaseProperties.class);
		Starting starting = new Starting(properties);
		beanFactory.registerSingleton(BEAN_NAME, starting);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(BEAN_NAME, starting);
		}
		starting.begin();
	}

	/**
	 * A server being started; {@link #take()} waits for it and hands it over.
	 */
	static final class Starting implements DisposableBean {

		private final FutureTask<EmbeddedPostgresServer> start;

		private final AtomicBoolean taken = new AtomicBoolean();

		Starting(EmbeddedDatabaseProperties properties) {
			this.start = new FutureTask<>(() -> EmbeddedPostgresServer.start(properties));
		}

		void begin() {
			Thread thread = new Thread(this.start, "embedded-postgres-start");
			thread.start();
		}

		/**
		 * Waits for the server; its caller owns it from then on (and closes it).
		 * @return the running server
		 * @throws RuntimeException what the start threw (such as
		 * {@link EmbeddedPostgresServer.DataDirectoryInUse})
		 */
		EmbeddedPostgresServer take() {
			this.taken.set(true);
			return await();
		}

		private EmbeddedPostgresServer await() {
			try {
				return this.start.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while the embedded PostgreSQL was starting", ex);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof RuntimeException runtime) {
					throw runtime;
				}
				throw new IllegalStateException(ex.getCause());
			}
		}

		/**
		 * The context closes (or failed) without having taken the server: stop it once it
		 * has started.
		 */
		@Override
		public void destroy() {
			if (this.taken.get()) {
				return;
			}
			try {
				await().close();
			}
			catch (RuntimeException ex) {
				// it did not start: nothing to stop
			}
		}

	}

}
