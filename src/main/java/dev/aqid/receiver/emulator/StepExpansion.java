package dev.aqid.receiver.emulator;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Amiqus's {@code expand} for a record's steps: a step's {@code check}, {@code document}
 * and {@code review} are the integer id of that object, and its {@code form} the form's
 * reference, unless the request names them in {@code expand}. The emulator keeps steps
 * with their objects expanded and collapses them per request.
 */
final class StepExpansion {

	private static final Set<String> ID_LINKS = Set.of("check", "document", "review");

	private StepExpansion() {
	}

	/**
	 * The names in an {@code expand} query value, such as {@code check,form}.
	 */
	static Set<String> parse(String expand) {
		if (expand == null || expand.isBlank()) {
			return Set.of();
		}
		return Arrays.stream(expand.split(",")).map(String::trim).collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Copies of the steps, each linked object not in {@code expanded} replaced by its id
	 * (a form by its reference). Anything that is not a step object stays as it is.
	 */
	static ArrayNode collapse(JsonNode steps, Set<String> expanded) {
		ArrayNode collapsed = EmulatorJson.MAPPER.createArrayNode();
		for (JsonNode step : steps) {
			collapsed.add(step.isObject() ? collapseStep((ObjectNode) step.deepCopy(), expanded) : step.deepCopy());
		}
		return collapsed;
	}

	private static ObjectNode collapseStep(ObjectNode step, Set<String> expanded) {
		for (String link : ID_LINKS) {
			JsonNode value = step.get(link);
			if (!expanded.contains(link) && value != null && value.isObject() && value.path("id").isNumber()) {
				step.set(link, value.get("id"));
			}
		}
		JsonNode form = step.get("form");
		if (!expanded.contains("form") && form != null && form.isObject() && form.path("reference").isString()) {
			step.set("form", form.get("reference"));
		}
		return step;
	}

	/**
	 * A copy of the record, its steps collapsed: {@code GET /records/{id}} expands no
	 * step objects.
	 */
	static JsonNode collapseRecord(JsonNode record) {
		if (!record.isObject() || !record.path("steps").isArray()) {
			return record;
		}
		ObjectNode copy = (ObjectNode) record.deepCopy();
		copy.set("steps", collapse(record.path("steps"), Set.of()));
		return copy;
	}

}
