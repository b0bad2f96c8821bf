package dev.aqid.receiver.emulator;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The emulated API's reads: {@code /status} and the entities a test or the demo put
 * (clients, records and their steps, a client's forms, organisations, cases), each
 * {@code 404 {"error": "<Thing> not found"}} when absent and counted for
 * {@link AmiqusEmulator#entityReads()} when served.
 */
@RestController
@RequestMapping(AmiqusAnswers.BASE_PATH)
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
class EmulatorEntitiesController {

	private final EmulatorState state;

	EmulatorEntitiesController(EmulatorState state) {
		this.state = state;
	}

	@GetMapping("/status")
	ResponseEntity<byte[]> status() {
		return AmiqusAnswers.empty(204);
	}

	@GetMapping("/clients/{id}")
	ResponseEntity<byte[]> client(@PathVariable long id) {
		return entity(AmiqusEmulator.clientPath(id), "Client");
	}

	/**
	 * A record with its steps collapsed: Amiqus's {@code expand} for a record offers only
	 * {@code client}, never the steps' checks, forms or documents.
	 */
	@GetMapping("/records/{id}")
	ResponseEntity<byte[]> record(@PathVariable long id) {
		JsonNode record = this.state.entity(AmiqusEmulator.recordPath(id))
			.orElseThrow(() -> new EntityNotFound("Record"));
		this.state.countEntityRead();
		return AmiqusAnswers.json(200, StepExpansion.collapseRecord(record));
	}

	@GetMapping("/records/{id}/steps")
	ResponseEntity<byte[]> recordSteps(@PathVariable long id, @RequestParam(required = false) String page,
			@RequestParam(required = false) String limit, @RequestParam(required = false) String expand) {
		String path = AmiqusEmulator.recordPath(id);
		if (this.state.entity(path).isEmpty()) {
			throw new EntityNotFound("Record");
		}
		List<JsonNode> steps = new ArrayList<>();
		this.state.entity(path + "/steps")
			.ifPresent((array) -> StepExpansion.collapse(array, StepExpansion.parse(expand)).forEach(steps::add));
		this.state.countEntityRead();
		return AmiqusAnswers.json(200, Pagination.page(steps, page, limit));
	}

	@GetMapping("/clients/{id}/forms/{reference}")
	ResponseEntity<byte[]> clientForm(@PathVariable long id, @PathVariable String reference) {
		if (this.state.entity(AmiqusEmulator.clientPath(id)).isEmpty()) {
			throw new EntityNotFound("Client");
		}
		return entity(AmiqusEmulator.formPath(id, reference), "Form");
	}

	@GetMapping("/organisations/{id}")
	ResponseEntity<byte[]> organisation(@PathVariable long id) {
		return entity("/organisations/" + id, "Organisation");
	}

	@GetMapping("/cases/{id}")
	ResponseEntity<byte[]> amiqusCase(@PathVariable long id) {
		return entity("/cases/" + id, "Case");
	}

	/**
	 * Anything else below the base path is not part of the emulated API.
	 */
	@RequestMapping("/**")
	ResponseEntity<byte[]> elsewhere() {
		return AmiqusAnswers.json(404, AmiqusAnswers.error("Not found"));
	}

	private ResponseEntity<byte[]> entity(String path, String thing) {
		JsonNode entity = this.state.entity(path).orElseThrow(() -> new EntityNotFound(thing));
		this.state.countEntityRead();
		return AmiqusAnswers.json(200, entity);
	}

}
