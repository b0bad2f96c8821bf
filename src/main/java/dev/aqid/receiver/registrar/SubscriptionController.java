package dev.aqid.receiver.registrar;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/subscription}: the registrar's view, desired against actual. The secret
 * is never shown.
 */
@RestController
class SubscriptionController {

	private final SubscriptionOverview overview;

	SubscriptionController(SubscriptionOverview overview) {
		this.overview = overview;
	}

	@GetMapping("/api/subscription")
	SubscriptionOverview.SubscriptionView subscription() {
		return this.overview.current();
	}

}
