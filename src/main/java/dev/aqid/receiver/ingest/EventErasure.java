package dev.aqid.receiver.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Erases the stored events about a client, for a data subject's request or an automated
 * deletion.
 */
@Service
public class EventErasure {

	private final JdbcTemplate jdbc;

	private final ApplicationEventPublisher publisher;

	EventErasure(JdbcTemplate jdbc, ApplicationEventPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
	}

	/**
	 * Deletes every event that names nothing but the client and its objects. The client's
	 * objects are those given (the caller knows them from elsewhere) and those that
	 * events name together with the client; an object that an event names together with
	 * another client is not the client's alone, and events naming it are kept, as are
	 * events that name an organisation. Joins the caller's transaction (one is required)
	 * and publishes {@link EventsErased} inside it.
	 * @param clientId the client's Amiqus id
	 * @param known the client's objects as the caller knows them
	 * @param sparedEventId an event to keep (the one asking for the erasure), or null
	 * @return the deleted events' ids
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public List<Long> eraseClient(long clientId, ClientObjects known, @Nullable Long sparedEventId) {
		Set<Long> records = new HashSet<>(known.recordIds());
		Set<Long> cases = new HashSet<>(known.caseIds());
		Set<String> forms = new HashSet<>(known.formReferences());
		this.jdbc.query("select record_id, case_id, form_reference from events where client_id = ?", (rs) -> {
			addIfPresent(records, rs.getObject(1, Long.class));
			addIfPresent(cases, rs.getObject(2, Long.class));
			addIfPresent(forms, rs.getString(3));
		}, clientId);
		this.jdbc.query((con) -> bind(con, """
				select record_id, case_id, form_reference from events
				 where client_id is not null and client_id <> ?
				   and (record_id = any(?) or case_id = any(?) or form_reference = any(?))""", clientId,
				bigints(records), bigints(cases), texts(forms)), (rs) -> {
					records.remove(rs.getObject(1, Long.class));
					cases.remove(rs.getObject(2, Long.class));
					forms.remove(rs.getString(3));
				});
		List<Long> erased = this.jdbc.query((con) -> {
			PreparedStatement ps = bind(con, """
					delete from events
					 where organisation_id is null and id <> ?
					   and (client_id = ? or (client_id is null
					        and (record_id = any(?) or case_id = any(?) or form_reference = any(?))))
					   and (client_id is not null or record_id is not null or case_id is not null
					        or form_reference is not null)
					   and (record_id is null or record_id = any(?))
					   and (case_id is null or case_id = any(?))
					   and (form_reference is null or form_reference = any(?))
					returning id""", (sparedEventId != null) ? sparedEventId : -1L, clientId, bigints(records),
					bigints(cases), texts(forms), bigints(records), bigints(cases), texts(forms));
			return ps;
		}, (rs, row) -> rs.getLong(1));
		if (!erased.isEmpty()) {
			this.publisher.publishEvent(new EventsErased(erased));
		}
		return erased;
	}

	private static <T> void addIfPresent(Set<T> set, @Nullable T value) {
		if (value != null) {
			set.add(value);
		}
	}

	/** Binds numbers and arrays in order. */
	private static PreparedStatement bind(Connection con, String sql, Object... values) throws SQLException {
		PreparedStatement ps = con.prepareStatement(sql);
		for (int i = 0; i < values.length; i++) {
			if (values[i] instanceof SqlArray array) {
				ps.setArray(i + 1, con.createArrayOf(array.type(), array.values().toArray()));
			}
			else {
				ps.setLong(i + 1, (Long) values[i]);
			}
		}
		return ps;
	}

	private static SqlArray bigints(Set<Long> values) {
		return new SqlArray("bigint", values);
	}

	private static SqlArray texts(Set<String> values) {
		return new SqlArray("text", values);
	}

	private record SqlArray(String type, Set<?> values) {

	}

}
