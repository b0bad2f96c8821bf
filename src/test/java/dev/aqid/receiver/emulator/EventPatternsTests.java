package dev.aqid.receiver.emulator;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventPatternsTests {

	@Test
	void matchesExactAliasesAndWildcards() {
		assertThat(EventPatterns.matches("record.finished", "record.finished")).isTrue();
		assertThat(EventPatterns.matches("*", "watchlist.updated")).isTrue();
		assertThat(EventPatterns.matches("record.*", "record.bounced")).isTrue();
		assertThat(EventPatterns.matches(List.of("client.created", "form.*"), "form.sent")).isTrue();
	}

	@Test
	void doesNotMatchOtherCategoriesOrPartialNames() {
		assertThat(EventPatterns.matches("record.*", "records.created")).isFalse();
		assertThat(EventPatterns.matches("record.*", "record.")).isFalse();
		assertThat(EventPatterns.matches("record.created", "record.created.extra")).isFalse();
		assertThat(EventPatterns.matches(List.of(), "ping")).isFalse();
	}

}
