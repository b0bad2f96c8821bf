package dev.aqid.receiver.ingest;

import java.sql.SQLException;
import java.time.Instant;

import dev.aqid.receiver.amiqus.Sha256;
import dev.aqid.receiver.system.EventTracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * The one storage path for deliveries, live or backfilled: read the fields storage needs,
 * then one insert. A body PostgreSQL will not take as jsonb (say, a {@code \u0000}
 * escape) is stored again without its parsed form rather than dropped.
 */
@Service
public class DeliveryIngestion {

	private static final Logger log = LoggerFactory.getLogger(DeliveryIngestion.class);

	private final DeliveryParser parser;

	private final EventStore store;

	private final GroupCommitWriter writer;

	private final IngestMetrics metrics;

	private final Events events;

	private final EventTracing tracing;

	DeliveryIngestion(DeliveryParser parser, EventStore store, GroupCommitWriter writer, IngestMetrics metrics,
			Events events, EventTracing tracing) {
		this.tracing = tracing;
		this.parser = parser;
		this.store = store;
		this.writer = writer;
		this.metrics = metrics;
		this.events = events;
	}

	/**
	 * Whether a delivery with this JSON body (compared as JSON, not as bytes) was stored
	 * after the given instant: how a backfill recognises, without a delivery id, a
	 * delivery that already arrived live.
	 */
	public boolean holdsPayload(String json, Instant receivedAfter) {
		return this.events.holdsPayload(json, receivedAfter);
	}

	/**
	 * Stores the delivery durably, exactly once.
	 * @throws StoreUnavailable when it could not be stored; do not acknowledge it then
	 */
	public StoredEvent ingest(IncomingDelivery delivery) {
		byte[] sha256 = Sha256.of(delivery.body());
		String deliveryId = blankToNull(delivery.deliveryId());
		DeliveryContent content = this.parser.parse(delivery.body());
		// With tracing on, storing is a span of the request's trace, and its
		// traceparent goes with the event for enrichment and forwarding to continue.
		StoredEvent stored = this.tracing.inChildSpan("store delivery", (traceParent) -> {
			EventStore.EventRow row = new EventStore.EventRow(DedupeKey.of(deliveryId, sha256), deliveryId, sha256,
					delivery.attempt(), delivery.source(), delivery.contentType(), delivery.body(), content,
					traceParent);
			return this.metrics.storeTimer().record(() -> storeOrExplain(row, delivery.source()));
		});
		this.metrics.stored(stored, delivery.source());
		if (stored.replayedBody()) {
			log.info(
					"A {} delivery repeats the body of event {} under another delivery id: answered as its duplicate "
							+ "(a captured delivery sent again, or Amiqus resending under a new id)",
					delivery.source().name().toLowerCase(java.util.Locale.ROOT), stored.eventId());
		}
		if (log.isDebugEnabled()) {
			log.debug("Stored delivery {} as event {} (duplicate: {}, alias: {})", deliveryId, stored.eventId(),
					stored.duplicate(), content.alias());
		}
		return stored;
	}

	private StoredEvent storeOrExplain(EventStore.EventRow row, IncomingDelivery.Source source) {
		try {
			return this.writer.write(row, this::storeAlone);
		}
		catch (DataAccessException ex) {
			this.metrics.unavailable(source);
			log.warn("Could not store delivery {}: {} (SQL state {})", row.deliveryId(), ex.getClass().getSimpleName(),
					sqlState(ex));
			throw new StoreUnavailable("The event store is unavailable", ex);
		}
	}

	/** One row on its own: when its batch was refused, or the writers are stopped. */
	private StoredEvent storeAlone(EventStore.EventRow row) {
		try {
			return this.store.store(row);
		}
		catch (DataIntegrityViolationException ex) {
			// The SQL state names the fault; PostgreSQL's message may quote the body.
			log.warn("PostgreSQL refused the parsed form of delivery {} (SQL state {}); storing its raw bytes only",
					row.deliveryId(), sqlState(ex));
			return this.store.store(row.withoutContent());
		}
	}

	private static String sqlState(DataAccessException ex) {
		return (ex.getMostSpecificCause() instanceof SQLException sql) ? sql.getSQLState() : "none";
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
