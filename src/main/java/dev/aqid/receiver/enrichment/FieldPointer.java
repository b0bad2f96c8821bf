package dev.aqid.receiver.enrichment;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON Pointer (RFC 6901, {@code /name/first_name}, {@code ~1} for {@code /} and
 * {@code ~0} for {@code ~} inside a name) naming fields to drop from a snapshot, where a
 * segment {@code *} stands for every member of an object or element of an array
 * ({@code /steps/*}{@code /check/response}). A number segment is an array index or, on an
 * object, a member name.
 */
final class FieldPointer {

	static final String WILDCARD = "*";

	private final String text;

	private final List<String> segments;

	private FieldPointer(String text, List<String> segments) {
		this.text = text;
		this.segments = segments;
	}

	/**
	 * @throws IllegalArgumentException naming what is wrong with the pointer
	 */
	static FieldPointer parse(String pointer) {
		String text = pointer.trim();
		if (text.isEmpty()) {
			throw new IllegalArgumentException("an empty pointer (the whole object) cannot be dropped");
		}
		if (!text.startsWith("/")) {
			throw new IllegalArgumentException("'" + text + "' must start with '/', as in /email or /name/first_name");
		}
		List<String> segments = new ArrayList<>();
		for (String raw : text.substring(1).split("/", -1)) {
			if (raw.isEmpty()) {
				throw new IllegalArgumentException("'" + text + "' has an empty segment (a doubled or trailing '/')");
			}
			segments.add(unescape(raw, text));
		}
		return new FieldPointer(text, List.copyOf(segments));
	}

	private static String unescape(String raw, String text) {
		StringBuilder segment = new StringBuilder(raw.length());
		for (int i = 0; i < raw.length(); i++) {
			char c = raw.charAt(i);
			if (c != '~') {
				segment.append(c);
				continue;
			}
			char next = (i + 1 < raw.length()) ? raw.charAt(i + 1) : ' ';
			if (next != '0' && next != '1') {
				throw new IllegalArgumentException(
						"'" + text + "' has a '~' not followed by 0 or 1 (write ~0 for ~, ~1 for /)");
			}
			segment.append((next == '0') ? '~' : '/');
			i++;
		}
		return segment.toString();
	}

	List<String> segments() {
		return this.segments;
	}

	/** Removes what the pointer names from the document; returns how many fields. */
	int removeFrom(JsonNode document) {
		return remove(document, 0);
	}

	private int remove(JsonNode node, int depth) {
		String segment = this.segments.get(depth);
		boolean last = depth == this.segments.size() - 1;
		if (node instanceof ObjectNode object) {
			if (segment.equals(WILDCARD)) {
				if (last) {
					int removed = object.size();
					object.removeAll();
					return removed;
				}
				int removed = 0;
				for (JsonNode child : object.values()) {
					removed += remove(child, depth + 1);
				}
				return removed;
			}
			if (!object.has(segment)) {
				return 0;
			}
			if (last) {
				object.remove(segment);
				return 1;
			}
			return remove(object.get(segment), depth + 1);
		}
		if (node instanceof ArrayNode array) {
			if (segment.equals(WILDCARD)) {
				if (last) {
					int removed = array.size();
					array.removeAll();
					return removed;
				}
				int removed = 0;
				for (JsonNode element : array.values()) {
					removed += remove(element, depth + 1);
				}
				return removed;
			}
			int index = index(segment);
			if (index < 0 || index >= array.size()) {
				return 0;
			}
			if (last) {
				array.remove(index);
				return 1;
			}
			return remove(array.get(index), depth + 1);
		}
		return 0;
	}

	private static int index(String segment) {
		if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(Character::isDigit)
				|| (segment.length() > 1 && segment.charAt(0) == '0')) {
			return -1;
		}
		return Integer.parseInt(segment);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof FieldPointer that && this.segments.equals(that.segments);
	}

	@Override
	public int hashCode() {
		return this.segments.hashCode();
	}

	@Override
	public String toString() {
		return this.text;
	}

}
