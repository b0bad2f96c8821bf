package dev.aqid.receiver.ingest;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Stored events, read through JPA. Writes on the request path go through
 * {@link EventStore} instead: one plain insert is what keeps receipt fast.
 */
public interface Events extends JpaRepository<Event, Long> {

}
