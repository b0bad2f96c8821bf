package dev.aqid.receiver.amiqus;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PageTests {

	@Test
	void hasNextWhenTheNextLinkIsSet() {
		assertThat(page(List.of(1), 1, 1, "https://id.amiqus.co/api/v2/webhooks?page=2").hasNext()).isTrue();
	}

	@Test
	void hasNextWhenPagesRemainByNumber() {
		assertThat(page(List.of(1), 1, 2, null).hasNext()).isTrue();
		assertThat(page(List.of(1), 2, 2, null).hasNext()).isFalse();
		assertThat(page(List.of(1), 2, 2, " ").hasNext()).isFalse();
	}

	@Test
	void walksPagesInOrderUntilTheLast() {
		List<Integer> asked = new ArrayList<>();

		List<Integer> items = Page.all((number) -> {
			asked.add(number);
			return page(List.of(number * 10, number * 10 + 1), number, 3, null);
		});

		assertThat(asked).containsExactly(1, 2, 3);
		assertThat(items).containsExactly(10, 11, 20, 21, 30, 31);
	}

	@Test
	void stopsAtAnEmptyPageEvenIfItClaimsMore() {
		List<Integer> items = Page.all((number) -> page(List.of(), number, 50, "next"));

		assertThat(items).isEmpty();
	}

	@Test
	void refusesAListLongerThanTheBound() {
		assertThatIllegalStateException()
			.isThrownBy(() -> Page.all(5, (number) -> page(List.of(number), number, 99, null)))
			.withMessageContaining("more than 5 pages");
	}

	private static Page<Integer> page(List<Integer> data, int currentPage, int totalPages, String next) {
		return new Page<>(data, 0, data.size(), 2, currentPage, totalPages, next);
	}

}
