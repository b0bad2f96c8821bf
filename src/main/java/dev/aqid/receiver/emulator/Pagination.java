package dev.aqid.receiver.emulator;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Amiqus's {@code paginated_list}: {@code page} from 1, {@code limit} 1 to 100 (default
 * 10), links to the next and previous page of the same request.
 */
final class Pagination {

	static final int DEFAULT_PAGE_SIZE = 10;

	static final int MAX_PAGE_SIZE = 100;

	private Pagination() {
	}

	/**
	 * One page of the items.
	 * @param page the {@code page} query parameter as sent, or null
	 * @param limit the {@code limit} query parameter as sent, or null
	 * @throws InputInvalid when either is not a whole number in range
	 */
	static ObjectNode page(List<JsonNode> items, String page, String limit) {
		Integer pageNumber = number(page, 1);
		if (pageNumber == null || pageNumber < 1) {
			throw new InputInvalid("page", "The page must be at least 1.");
		}
		Integer size = number(limit, DEFAULT_PAGE_SIZE);
		if (size == null || size < 1 || size > MAX_PAGE_SIZE) {
			throw new InputInvalid("limit", "The limit must be between 1 and " + MAX_PAGE_SIZE + ".");
		}
		int total = items.size();
		int totalPages = Math.max(1, (total + size - 1) / size);
		long from = Math.min((long) (pageNumber - 1) * size, total);
		List<JsonNode> data = items.subList((int) from, (int) Math.min(from + size, total));
		ObjectNode list = EmulatorJson.object();
		list.put("object", "paginated_list");
		ArrayNode array = list.putArray("data");
		data.forEach(array::add);
		list.put("total", total);
		list.put("count", data.size());
		list.put("limit", size);
		list.put("current_page", pageNumber);
		list.put("total_pages", totalPages);
		if (totalPages <= 1) {
			list.putNull("links");
			return list;
		}
		ObjectNode links = list.putObject("links");
		if (pageNumber < totalPages) {
			links.put("next", link(size, pageNumber + 1));
		}
		else {
			links.putNull("next");
		}
		if (pageNumber > 1) {
			links.put("previous", link(size, Math.min(pageNumber - 1, totalPages)));
		}
		else {
			links.putNull("previous");
		}
		return list;
	}

	private static String link(int limit, int page) {
		return ServletUriComponentsBuilder.fromCurrentRequestUri()
			.queryParam("limit", limit)
			.queryParam("page", page)
			.toUriString();
	}

	private static Integer number(String value, int fallback) {
		if (value == null || value.isEmpty()) {
			return fallback;
		}
		if (value.length() > 9 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Integer.parseInt(value);
	}

}
