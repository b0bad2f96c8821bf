package dev.aqid.receiver.ingest;

import java.time.Instant;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/**
 * Stored events, read through JPA. Writes on the request path go through
 * {@link EventStore} instead: one plain insert is what keeps receipt fast.
 */
public interface Events extends JpaRepository<Event, Long> {

	/**
	 * Whether an event with this JSON (compared as JSON, not as bytes) arrived after the
	 * given instant. Native: JPQL has no jsonb equality.
	 */
	@Query(value = "select exists(select 1 from events where received_at > :after and payload = cast(:json as jsonb))",
			nativeQuery = true)
	boolean holdsPayload(@Param("json") String json, @Param("after") Instant receivedAfter);

}
