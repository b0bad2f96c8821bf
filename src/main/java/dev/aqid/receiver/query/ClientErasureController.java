package dev.aqid.receiver.query;

import java.security.Principal;

import dev.aqid.receiver.enrichment.ClientErasure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Erasure on a data subject's request: {@code DELETE /api/clients/{id}}.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Erasure", description = "Erasing what the service keeps about a client")
class ClientErasureController {

	private static final int MAX_ID_DIGITS = 18;

	private final ClientErasure erasure;

	ClientErasureController(ClientErasure erasure) {
		this.erasure = erasure;
	}

	@DeleteMapping("/clients/{id}")
	@Operation(
			summary = "Erase a client: its snapshots, and the events that name only it and its records, "
					+ "cases and forms, with their forwarding deliveries",
			description = "One transaction; idempotent. A client the service knows nothing of (or erased "
					+ "before) answers 200 with zeros. Logged as an audit line without personal data.")
	@ApiResponse(responseCode = "200", description = "What was deleted")
	@ApiResponse(responseCode = "400", description = "The id is not an Amiqus client id (a whole number)",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	Erased erase(@PathVariable("id") String id, Principal caller) {
		if (id.isEmpty() || id.length() > MAX_ID_DIGITS || !id.chars().allMatch(Character::isDigit)) {
			throw new InvalidParameter("id", "a client id is a whole number, as Amiqus gives it");
		}
		ClientErasure.Erased erased = this.erasure.erase(Long.parseLong(id), caller.getName());
		return new Erased(erased.snapshots(), erased.events());
	}

	/**
	 * What an erasure deleted.
	 *
	 * @param snapshots snapshots deleted (the client's, its records', steps', forms' and
	 * cases')
	 * @param events events deleted
	 */
	@Schema(name = "Erased")
	record Erased(int snapshots, int events) {

	}

}
