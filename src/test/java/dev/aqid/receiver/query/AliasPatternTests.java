package dev.aqid.receiver.query;

import dev.aqid.receiver.ingest.EventFilter.AliasPattern;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AliasPatternTests {

	@Test
	void matchesAnAliasWithoutAStarExactly() {
		assertThat(AliasParameter.parse("record.updated")).isEqualTo(new AliasPattern("record.updated", null));
	}

	@Test
	void treatsATrailingStarAsAPrefix() {
		AliasPattern pattern = AliasParameter.parse("record.*");

		assertThat(pattern.prefix()).isEqualTo("record.");
		assertThat(pattern.prefixEnd()).isEqualTo("record/");
	}

	@Test
	void endsAPrefixRangeAfterEveryAliasThatStartsWithIt() {
		assertThat(AliasParameter.parse("z*").prefixEnd()).isEqualTo("{");
		assertThat(AliasParameter.parse("é*").prefixEnd()).isEqualTo("ê");
		assertThat(AliasParameter.parse("a\uD83D\uDE00*").prefixEnd()).isEqualTo("a\uD83D\uDE01");
	}

	@Test
	void readsALoneStarAndNothingAsNoFilter() {
		assertThat(AliasParameter.parse("*")).isNull();
		assertThat(AliasParameter.parse("")).isNull();
		assertThat(AliasParameter.parse(null)).isNull();
	}

	@Test
	void refusesAStarAnywhereButTheEnd() {
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasParameter.parse("*.updated"))
			.withMessageContaining("at the end");
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasParameter.parse("record.**"));
	}

	@Test
	void refusesAliasesLongerThanAnyStored() {
		assertThatExceptionOfType(InvalidParameter.class).isThrownBy(() -> AliasParameter.parse("a".repeat(256)));
	}

}
