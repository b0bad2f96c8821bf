package dev.aqid.receiver.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 whose cluster, in {@code <data-dir>/pg}, survives restarts.
 * <p>
 * One service instance owns a data directory at a time: an exclusive file lock on
 * {@code <data-dir>/receiver.lock} is held for the server's lifetime, so a second
 * instance fails at start-up with a clear message instead of corrupting the cluster. A
 * PostgreSQL left running by an instance that was killed (no shutdown hook runs on
 * {@code kill -9}) is stopped before the cluster is started again.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	static final String USER = "postgres";

	private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(60);

	private final Path dataDir;

	private final FileChannel lockChannel;

	private final FileLock lock;

	private final EmbeddedPostgres postgres;

	private EmbeddedPostgresServer(Path dataDir, FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres) {
		this.dataDir = dataDir;
		this.lockChannel = lockChannel;
		this.lock = lock;
		this.postgres = postgres;
	}

	static EmbeddedPostgresServer start(EmbeddedDatabaseProperties properties) {
		Path dataDir = properties.dataDir().toAbsolutePath().normalize();
		FileChannel channel = null;
		try {
			Files.createDirectories(dataDir);
			channel = FileChannel.open(dataDir.resolve("receiver.lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock = tryLock(channel, dataDir);
			Path cluster = dataDir.resolve("pg");
			stopOrphanedPostmaster(cluster);
			log.info("Starting embedded PostgreSQL with its data in {}", cluster);
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(cluster)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(false)
				.setPort(properties.embeddedDbPort())
				.setPGStartupWait(properties.embeddedDbStartupTimeout())
				// The library starts the server with fsync and synchronous_commit
				// off, as it is made for tests; a receiver must not acknowledge
				// what a crash can lose.
				.setServerConfig("fsync", "on")
				.setServerConfig("synchronous_commit", "on")
				.setServerConfig("full_page_writes", "on")
				.start();
			log.info("Embedded PostgreSQL is ready on localhost:{}", postgres.getPort());
			return new EmbeddedPostgresServer(dataDir, channel, lock, postgres);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(channel);
			if (ex instanceof DataDirectoryInUse inUse) {
				throw inUse;
			}
			throw new IllegalStateException("Could not start the embedded PostgreSQL in " + dataDir + ": "
					+ ex.getMessage() + ". Set SPRING_DATASOURCE_URL to use an external PostgreSQL instead.", ex);
		}
	}

	private static FileLock tryLock(FileChannel channel, Path dataDir) throws IOException {
		FileLock lock;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			lock = null;
		}
		if (lock == null) {
			throw new DataDirectoryInUse(dataDir);
		}
		return lock;
	}

	/**
	 * We hold the directory lock, so any postmaster still running on this cluster belongs
	 * to an instance that died without stopping it. Stop it (SIGTERM is PostgreSQL's
	 * smart shutdown; its clients died with that instance) so that our own start can
	 * succeed.
	 */
	private static void stopOrphanedPostmaster(Path cluster) throws IOException {
		Path pidFile = cluster.resolve("postmaster.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		List<String> lines = Files.readAllLines(pidFile);
		Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
				: parsePid(lines.get(0)).flatMap(ProcessHandle::of)
					.filter(ProcessHandle::isAlive)
					.filter((process) -> process.info().command().map((cmd) -> cmd.contains("postgres")).orElse(false));
		if (orphan.isEmpty()) {
			return;
		}
		ProcessHandle process = orphan.get();
		log.warn("Stopping PostgreSQL (pid {}) left running on {} by an instance that did not shut down cleanly",
				process.pid(), cluster);
		process.destroy();
		try {
			process.onExit().get(ORPHAN_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("PostgreSQL (pid " + process.pid() + ") on " + cluster
					+ " did not stop within " + ORPHAN_STOP_TIMEOUT.toSeconds() + "s; stop it by hand", ex);
		}
	}

	private static Optional<Long> parsePid(String line) {
		try {
			return Optional.of(Long.parseLong(line.trim()));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.postgres.getPort() + "/postgres";
	}

	public int port() {
		return this.postgres.getPort();
	}

	@Override
	public void close() {
		log.info("Stopping embedded PostgreSQL in {}", this.dataDir);
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			try {
				this.lock.release();
			}
			catch (IOException ex) {
				log.warn("Could not release the lock on {}", this.dataDir, ex);
			}
			closeQuietly(this.lockChannel);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel == null) {
			return;
		}
		try {
			channel.close();
		}
		catch (IOException ex) {
			log.debug("Could not close the lock file", ex);
		}
	}

	/**
	 * Another running instance owns the data directory.
	 */
	static final class DataDirectoryInUse extends IllegalStateException {

		DataDirectoryInUse(Path dataDir) {
			super("The data directory " + dataDir + " is in use by another running instance of this service. "
					+ "Stop that instance, or give this one its own RECEIVER_DATA_DIR, "
					+ "or point both at one PostgreSQL with SPRING_DATASOURCE_URL.");
		}

	}

}
