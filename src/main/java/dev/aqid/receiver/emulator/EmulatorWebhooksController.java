package dev.aqid.receiver.emulator;

import java.util.List;

import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The emulated webhooks API: subscriptions ({@code GET|POST /webhooks},
 * {@code GET|PATCH|DELETE /webhooks/{id}}) and each one's delivery log ({@code GET
 * /webhooks/{id}/deliveries}, newest first), paginated like Amiqus's.
 */
@RestController
@RequestMapping(AmiqusAnswers.BASE_PATH + "/webhooks")
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
class EmulatorWebhooksController {

	private static final String WEBHOOK = "Webhook";

	private final EmulatorState state;

	EmulatorWebhooksController(EmulatorState state) {
		this.state = state;
	}

	@GetMapping
	ResponseEntity<byte[]> list(@RequestParam(required = false) Boolean enabled,
			@RequestParam(required = false) String page, @RequestParam(required = false) String limit) {
		List<JsonNode> items = this.state.webhooks()
			.stream()
			.filter((webhook) -> enabled == null || webhook.enabled() == enabled)
			.map((webhook) -> (JsonNode) webhook.toJson())
			.toList();
		return AmiqusAnswers.json(200, Pagination.page(items, page, limit));
	}

	@PostMapping
	ResponseEntity<byte[]> create(@Validated(WebhookBody.Creating.class) @RequestBody WebhookBody input) {
		EmulatedWebhook webhook = this.state.createWebhook(input.url(), input.events(),
				(input.enabled() != null) ? input.enabled() : true);
		return AmiqusAnswers.json(201, webhook.toJson());
	}

	@GetMapping("/{id}")
	ResponseEntity<byte[]> webhook(@PathVariable long id) {
		return AmiqusAnswers.json(200, this.state.webhook(id).orElseThrow(() -> new EntityNotFound(WEBHOOK)).toJson());
	}

	@RequestMapping(path = "/{id}", method = { RequestMethod.PATCH, RequestMethod.PUT })
	ResponseEntity<byte[]> update(@PathVariable long id, @Validated @RequestBody WebhookBody input) {
		EmulatedWebhook changed = this.state.updateWebhook(id, (webhook) -> {
			EmulatedWebhook result = webhook;
			result = (input.url() != null) ? result.withUrl(input.url()) : result;
			result = (input.events() != null) ? result.withEvents(input.events()) : result;
			result = (input.enabled() != null) ? result.withEnabled(input.enabled()) : result;
			return result;
		}).orElseThrow(() -> new EntityNotFound(WEBHOOK));
		return AmiqusAnswers.json(200, changed.toJson());
	}

	@DeleteMapping("/{id}")
	ResponseEntity<byte[]> delete(@PathVariable long id) {
		if (!this.state.removeWebhook(id)) {
			throw new EntityNotFound(WEBHOOK);
		}
		return AmiqusAnswers.empty(204);
	}

	@GetMapping("/{id}/deliveries")
	ResponseEntity<byte[]> deliveries(@PathVariable long id, @RequestParam(required = false) String page,
			@RequestParam(required = false) String limit) {
		List<JsonNode> log = this.state.deliveries(id).orElseThrow(() -> new EntityNotFound(WEBHOOK));
		return AmiqusAnswers.json(200, Pagination.page(log, page, limit));
	}

}
