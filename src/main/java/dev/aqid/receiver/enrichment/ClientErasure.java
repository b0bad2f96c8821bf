package dev.aqid.receiver.enrichment;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.aqid.receiver.ingest.ClientObjects;
import dev.aqid.receiver.ingest.EventErasure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases what the service keeps about one client: every snapshot holding its data (the
 * client, and its records, steps, forms and cases) and every event that names nothing but
 * the client and its objects, with their forwarding deliveries. One transaction across
 * the modules (ingest deletes the events and forwarding its outbox rows in it), so a
 * crash leaves all or nothing; idempotent. Each erasure is logged as an audit line on the
 * logger {@code dev.aqid.receiver.audit}: who asked, the client's Amiqus id and the
 * counts, never personal data.
 */
@Service
public class ClientErasure {

	private static final Logger audit = LoggerFactory.getLogger("dev.aqid.receiver.audit");

	private final Snapshots snapshots;

	private final EventErasure events;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final MeterRegistry registry;

	ClientErasure(Snapshots snapshots, EventErasure events, PlatformTransactionManager transactions, Clock clock,
			MeterRegistry registry) {
		this.snapshots = snapshots;
		this.events = events;
		this.transaction = new TransactionTemplate(transactions);
		this.clock = clock;
		this.registry = registry;
	}

	/**
	 * Erases the client on a data subject's request.
	 * @param clientId the client's Amiqus id
	 * @param requestedBy who asked (the API key's name, never the key)
	 * @return what was deleted (zeros for a client the service knows nothing of)
	 */
	public Erased erase(long clientId, String requestedBy) {
		return erase(clientId, null, "request", requestedBy);
	}

	/**
	 * Erases the client because its deletion reminder is due, keeping the event that said
	 * so (it names only the client's id, and is forwarded so internal systems can erase
	 * too).
	 */
	Erased eraseOnDeletionReminder(long clientId, long reminderEventId) {
		return erase(clientId, reminderEventId, "deletion_reminder",
				"client.deletion_reminder_due (event " + reminderEventId + ")");
	}

	private Erased erase(long clientId, @Nullable Long sparedEventId, String trigger, String requestedBy) {
		Erased erased = this.transaction.execute((status) -> {
			ClientObjects known = objectsOf(clientId);
			int snapshots = this.snapshots.forgetClient(clientId);
			List<Long> events = this.events.eraseClient(clientId, known, sparedEventId);
			return new Erased(snapshots, events.size());
		});
		Counter.builder("receiver.erasures")
			.description("Client erasures, by what triggered them")
			.tag("trigger", trigger)
			.register(this.registry)
			.increment();
		audit.info(
				"Erasure of client {} at {}, requested by {}: deleted {} snapshot(s) and {} event(s) "
						+ "with their forwarding deliveries",
				clientId, this.clock.instant(), requestedBy, erased.snapshots(), erased.events());
		return erased;
	}

	/** The client's records, cases and forms, as its snapshots know them. */
	private ClientObjects objectsOf(long clientId) {
		Set<Long> records = new HashSet<>();
		Set<Long> cases = new HashSet<>();
		Set<String> forms = new HashSet<>();
		for (Target.Key key : this.snapshots.ofClient(clientId)) {
			switch (key.kind()) {
				case RECORD, RECORD_STEPS -> addNumber(records, key.entityId());
				case CASE -> addNumber(cases, key.entityId());
				case FORM -> forms.add(key.entityId());
				default -> {
				}
			}
		}
		return new ClientObjects(records, cases, forms);
	}

	private static void addNumber(Set<Long> ids, String id) {
		try {
			ids.add(Long.parseLong(id));
		}
		catch (NumberFormatException ex) {
			// Not an id Amiqus writes: nothing names it.
		}
	}

	/**
	 * What an erasure deleted.
	 *
	 * @param snapshots snapshots deleted
	 * @param events events deleted
	 */
	public record Erased(int snapshots, int events) {

	}

}
