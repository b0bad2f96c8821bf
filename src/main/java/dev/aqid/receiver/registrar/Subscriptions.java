package dev.aqid.receiver.registrar;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The subscription row (there is at most one).
 */
interface Subscriptions extends JpaRepository<Subscription, Boolean> {

	default Optional<Subscription> current() {
		return findById(Boolean.TRUE);
	}

}
