package dev.aqid.receiver.enrichment;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Redacts each Amiqus object before its snapshot is stored: the preset first (by default
 * capability links go), then the JSON pointers configured for the object's kind. What is
 * dropped never reaches the database, the query API or a destination.
 */
@Component
class SnapshotRedaction {

	private static final Logger log = LoggerFactory.getLogger(SnapshotRedaction.class);

	/** Fields that are capability links whatever their value. */
	static final Set<String> CAPABILITY_FIELDS = Set.of("perform_url");

	/** An Amiqus API address: useless without our token, so not a capability. */
	private static final Pattern API_ADDRESS = Pattern.compile("^https?://[^/]+/api/.*");

	/** Fields kept by {@code ids-and-statuses} whatever their name's ending. */
	private static final Set<String> KEPT_NAMES = Set.of("id", "uuid", "object", "type", "status", "result",
			"reference", "version");

	/**
	 * Fields that, in {@code ids-and-statuses}, are kept when they hold another object's
	 * id (a number, or a form's uuid), as Amiqus writes a reference it has not expanded.
	 */
	private static final Set<String> REFERENCE_NAMES = Set.of("client", "clients", "record", "records", "case", "cases",
			"organisation", "organisations", "step", "check", "form", "document", "review", "reviewed_by", "created_by",
			"assignees", "items", "team", "user", "entity");

	private static final Pattern UUID = Pattern
		.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

	private final RedactionPreset preset;

	private final Map<SnapshotKind, List<FieldPointer>> drop;

	SnapshotRedaction(RedactionProperties properties) {
		this.preset = properties.preset();
		Map<SnapshotKind, List<FieldPointer>> drop = new EnumMap<>(SnapshotKind.class);
		properties.drop().forEach((key, pointers) -> {
			List<FieldPointer> parsed = drop.computeIfAbsent(RedactionProperties.kind(key), (k) -> new ArrayList<>());
			pointers.forEach((pointer) -> parsed.add(RedactionProperties.pointer(key, pointer)));
		});
		this.drop = drop;
		if (this.preset == RedactionPreset.NONE) {
			log.warn("receiver.redaction.preset=none: snapshots keep capability links such as perform_url, "
					+ "with which anyone holding the link can act as the client");
		}
		log.info("Snapshots are stored after redaction: preset {}{}",
				this.preset.name().toLowerCase(Locale.ROOT).replace('_', '-'),
				drop.isEmpty() ? "" : ", and per kind " + describe(drop));
	}

	private static String describe(Map<SnapshotKind, List<FieldPointer>> drop) {
		return drop.entrySet()
			.stream()
			.map((entry) -> entry.getKey().column() + " "
					+ entry.getValue().stream().map(FieldPointer::toString).collect(Collectors.joining(",")))
			.collect(Collectors.joining("; "));
	}

	/**
	 * Redacts the object in place and returns it.
	 * @param kind what it is
	 * @param document the object as fetched (for steps: an array)
	 * @return the same node, redacted
	 */
	JsonNode apply(SnapshotKind kind, JsonNode document) {
		if (this.preset != RedactionPreset.NONE) {
			dropCapabilityLinks(document);
		}
		if (this.preset == RedactionPreset.IDS_AND_STATUSES) {
			keepIdsAndStatuses(document, null);
		}
		for (FieldPointer pointer : this.drop.getOrDefault(kind, List.of())) {
			pointer.removeFrom(document);
		}
		return document;
	}

	static void dropCapabilityLinks(JsonNode node) {
		if (node instanceof ObjectNode object) {
			List<String> doomed = new ArrayList<>();
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				if (isCapabilityLink(field.getKey(), field.getValue())) {
					doomed.add(field.getKey());
				}
				else {
					dropCapabilityLinks(field.getValue());
				}
			}
			object.remove(doomed);
		}
		else if (node instanceof ArrayNode array) {
			array.values().forEach(SnapshotRedaction::dropCapabilityLinks);
		}
	}

	static boolean isCapabilityLink(String name, JsonNode value) {
		if (CAPABILITY_FIELDS.contains(name)) {
			return true;
		}
		String lower = name.toLowerCase(Locale.ROOT);
		return (lower.endsWith("_url") || lower.endsWith("_link")) && value.isString()
				&& !API_ADDRESS.matcher(value.stringValue()).matches();
	}

	/**
	 * Keeps ids, statuses, types, dates and references; drops every other scalar, and
	 * objects and arrays left empty. Returns whether anything is left.
	 */
	private static boolean keepIdsAndStatuses(JsonNode node, @Nullable String name) {
		if (node instanceof ObjectNode object) {
			List<String> doomed = new ArrayList<>();
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				if (!keepIdsAndStatuses(field.getValue(), field.getKey())) {
					doomed.add(field.getKey());
				}
			}
			object.remove(doomed);
			return !object.isEmpty();
		}
		if (node instanceof ArrayNode array) {
			List<Integer> doomed = new ArrayList<>();
			for (int i = 0; i < array.size(); i++) {
				if (!keepIdsAndStatuses(array.get(i), name)) {
					doomed.add(i);
				}
			}
			for (int i = doomed.size() - 1; i >= 0; i--) {
				array.remove((int) doomed.get(i));
			}
			return !array.isEmpty();
		}
		return name != null && keepsScalar(name, node);
	}

	static boolean keepsScalar(String name, JsonNode value) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (KEPT_NAMES.contains(lower) || lower.endsWith("_id") || lower.endsWith("_status") || lower.endsWith("_at")
				|| lower.endsWith("_date")) {
			return true;
		}
		if ((lower.startsWith("is_") || lower.startsWith("has_")) && (value.isBoolean() || value.isNull())) {
			return true;
		}
		return REFERENCE_NAMES.contains(lower) && (value.isNull() || value.isIntegralNumber()
				|| (value.isString() && UUID.matcher(value.stringValue()).matches()));
	}

}
