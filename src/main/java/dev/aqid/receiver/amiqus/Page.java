package dev.aqid.receiver.amiqus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;

/**
 * One page of an Amiqus {@code paginated_list}.
 *
 * @param <T> the item type
 * @param data the items on this page, never null
 * @param total items in the whole list
 * @param count items on this page
 * @param limit page size asked for
 * @param currentPage this page's number, from 1
 * @param totalPages pages in the whole list
 * @param next {@code links.next}: the next page's URL, null on the last page
 */
public record Page<T>(List<T> data, int total, int count, int limit, int currentPage, int totalPages, String next) {

	/**
	 * {@link #all(IntFunction)} stops with an exception after this many pages (100,000
	 * items at the largest page size): a list that long is a bug, not data.
	 */
	public static final int MAX_PAGES = 1000;

	public Page {
		data = (data != null) ? List.copyOf(data) : List.of();
	}

	/**
	 * Whether a later page exists: {@code links.next} is set, or this page is not the
	 * last by number.
	 * @return true when there is a page after this one
	 */
	public boolean hasNext() {
		return (this.next != null && !this.next.isBlank()) || this.currentPage < this.totalPages;
	}

	/**
	 * Every item of a list, fetching pages 1, 2, ... until a page says it is the last or
	 * comes back empty.
	 * @param <T> the item type
	 * @param fetchPage fetches the page with the given number (from 1)
	 * @return the items of all pages in order
	 * @throws IllegalStateException after {@link #MAX_PAGES} pages
	 */
	public static <T> List<T> all(IntFunction<Page<T>> fetchPage) {
		return all(MAX_PAGES, fetchPage);
	}

	/**
	 * Every item of a list, fetching at most {@code maxPages} pages.
	 * @param <T> the item type
	 * @param maxPages the most pages to fetch
	 * @param fetchPage fetches the page with the given number (from 1)
	 * @return the items of all pages in order
	 * @throws IllegalStateException when the list has more than {@code maxPages} pages
	 */
	public static <T> List<T> all(int maxPages, IntFunction<Page<T>> fetchPage) {
		List<T> items = new ArrayList<>();
		for (int number = 1;; number++) {
			Page<T> page = fetchPage.apply(number);
			items.addAll(page.data());
			// An empty page ends the walk even if it claims more:
			// never loop on a bad answer.
			if (!page.hasNext() || page.data().isEmpty()) {
				return Collections.unmodifiableList(items);
			}
			if (number >= maxPages) {
				throw new IllegalStateException("Amiqus list has more than " + maxPages + " pages");
			}
		}
	}

	static <T> Page<T> from(JsonNode root, Function<JsonNode, T> item) {
		List<T> items = new ArrayList<>();
		JsonNode data = root.path("data");
		if (data.isArray()) {
			for (JsonNode element : data) {
				items.add(item.apply(element));
			}
		}
		return new Page<>(items, intOr(root.path("total"), items.size()), intOr(root.path("count"), items.size()),
				intOr(root.path("limit"), 0), intOr(root.path("current_page"), 1), intOr(root.path("total_pages"), 1),
				AmiqusJson.text(root.path("links").path("next")));
	}

	private static int intOr(JsonNode node, int fallback) {
		Integer value = AmiqusJson.intValue(node);
		return (value != null) ? value : fallback;
	}

}
