package dev.aqid.receiver.registrar;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * One registrar leader among the replicas sharing a database: whoever holds a
 * session-level PostgreSQL advisory lock on a connection it keeps. When the leader dies
 * its connection closes, PostgreSQL releases the lock, and the next replica to try takes
 * over.
 */
@Component
class RegistrarLeadership {

	/** "AqidReg" as a number: the lock no other part of the service uses. */
	static final long LOCK_KEY = 0x4171696452656767L;

	private static final Logger log = LoggerFactory.getLogger(RegistrarLeadership.class);

	private final DataSource dataSource;

	private Connection held;

	RegistrarLeadership(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** Whether this instance leads now, taking the lead if it is free. */
	synchronized boolean tryLead() {
		if (this.held != null) {
			if (isValid(this.held)) {
				return true;
			}
			log.warn("Lost the registrar lead: the database connection holding it broke");
			// It may only have been slow to answer: closing a pooled connection keeps its
			// session, lock included, so unlock first (a no-op if the session is gone).
			unlockAndClose(this.held);
			this.held = null;
		}
		Connection connection = null;
		try {
			connection = this.dataSource.getConnection();
			if (tryLock(connection)) {
				this.held = connection;
				log.info("This instance now leads the registrar");
				return true;
			}
			connection.close();
			return false;
		}
		catch (SQLException ex) {
			closeQuietly(connection);
			log.debug("Could not try the registrar lead: {}", ex.getMessage());
			return false;
		}
	}

	synchronized boolean leads() {
		return this.held != null;
	}

	/**
	 * Gives the lead up (shutdown), unlocking before the connection goes back to the
	 * pool.
	 */
	synchronized void resign() {
		if (this.held == null) {
			return;
		}
		unlockAndClose(this.held);
		this.held = null;
		log.info("Resigned the registrar lead");
	}

	private static void unlockAndClose(Connection connection) {
		try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?)")) {
			unlock.setLong(1, LOCK_KEY);
			// A connection slow enough to fail isValid must not hold the registrar up.
			unlock.setQueryTimeout(5);
			unlock.execute();
		}
		catch (SQLException ex) {
			log.debug("Could not unlock the registrar lead: {}", ex.getMessage());
		}
		closeQuietly(connection);
	}

	private static boolean tryLock(Connection connection) throws SQLException {
		try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
			lock.setLong(1, LOCK_KEY);
			try (ResultSet rs = lock.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	private static boolean isValid(Connection connection) {
		try {
			return connection.isValid(2);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection == null) {
			return;
		}
		try {
			connection.close();
		}
		catch (SQLException ex) {
			log.debug("Could not close a connection: {}", ex.getMessage());
		}
	}

}
