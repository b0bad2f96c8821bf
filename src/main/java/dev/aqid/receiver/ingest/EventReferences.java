package dev.aqid.receiver.ingest;

import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which Amiqus objects the stored events still refer to: what other modules keep about an
 * object (enrichment's snapshots) may go once no retained event names it.
 */
@Service
@Transactional(readOnly = true)
public class EventReferences {

	private final JdbcTemplate jdbc;

	EventReferences(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Which of these ids some stored event refers to as the given kind of object.
	 * @param kind what the ids are
	 * @param ids the ids (numbers, or form references)
	 * @return those some event names
	 */
	public Set<String> referenced(EventReference kind, Collection<String> ids) {
		Object[] values = kind.sqlType().equals("bigint")
				? ids.stream().filter(EventReferences::isNumber).map(Long::valueOf).toArray() : ids.toArray();
		if (values.length == 0) {
			return Set.of();
		}
		return new HashSet<>(this.jdbc.query((con) -> {
			PreparedStatement ps = con.prepareStatement(
					"select distinct " + kind.column() + "::text from events where " + kind.column() + " = any(?)");
			ps.setArray(1, con.createArrayOf(kind.sqlType(), values));
			return ps;
		}, (rs, row) -> rs.getString(1)));
	}

	private static boolean isNumber(String id) {
		return !id.isEmpty() && id.length() <= 18 && id.chars().allMatch(Character::isDigit);
	}

}
