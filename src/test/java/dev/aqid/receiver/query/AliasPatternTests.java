package dev.aqid.receiver.query;

import dev.aqid.receiver.query.EventFilter.AliasPattern;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AliasPatternTests {

	@Test
	void matchesAnAliasWithoutAStarExactly() {
		assertThat(AliasPattern.parse("record.updated")).isEqualTo(new AliasPattern("record.updated", null));
	}

	@Test
	void treatsATrailingStarAsAPrefix() {
		AliasPattern pattern = AliasPattern.parse("record.*");

		assertThat(pattern.prefix()).isEqualTo("record.");
		assertThat(pattern.prefixEnd()).isEqualTo("record/");
	}

	@Test
	void endsAPrefixRangeAfterEveryAliasThatStartsWithIt() {
		assertThat(AliasPattern.parse("z*").prefixEnd()).isEqualTo("{");
		assertThat(AliasPattern.parse("é*").prefixEnd()).isEqualTo("ê");
		assertThat(AliasPattern.parse("a\uD83D\uDE00*").prefixEnd()).isEqualTo("a\uD83D\uDE01");
	}

	@Test
	void readsALoneStarAndNothingAsNoFilter() {
		assertThat(AliasPattern.parse("*")).isNull();
		assertThat(AliasPattern.parse("")).isNull();
		assertThat(AliasPattern.parse(null)).isNull();
	}

	@Test
	void refusesAStarAnywhereButTheEnd() {
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasPattern.parse("*.updated"))
			.withMessageContaining("at the end");
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasPattern.parse("record.**"));
	}

	@Test
	void refusesAliasesLongerThanAnyStored() {
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasPattern.parse("a".repeat(256)));
	}

}
