package dev.aqid.receiver.query;

import java.util.Base64;

import dev.aqid.receiver.ingest.EventStream.Position;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StreamCursorTests {

	@Test
	void readsBackWhatItWrote() {
		for (StreamCursor cursor : new StreamCursor[] { new StreamCursor(1, 1), new StreamCursor(754, 123_456_789L),
				new StreamCursor(-1L, Long.MAX_VALUE) }) {
			assertThat(StreamCursor.decode(cursor.encode())).isEqualTo(cursor);
		}
	}

	@Test
	void isShortAndUrlSafe() {
		String cursor = new StreamCursor(-1L, Long.MAX_VALUE).encode();

		assertThat(cursor).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(StreamCursor.MAX_LENGTH);
	}

	@Test
	void writesAnXidAsPostgreSqlReadsAnXid8() {
		assertThat(StreamCursor.of(Position.of("18446744073709551615", 5)).position().insertXidText())
			.isEqualTo("18446744073709551615");
		assertThat(StreamCursor.of(Position.of("754", 5)).position().insertXidText()).isEqualTo("754");
	}

	@Test
	void refusesEveryEditedByte() {
		byte[] raw = Base64.getUrlDecoder().decode(new StreamCursor(754, 1042).encode());
		for (int i = 0; i < raw.length; i++) {
			byte[] edited = raw.clone();
			edited[i] ^= 0x10;

			assertThatExceptionOfType(InvalidCursor.class)
				.isThrownBy(() -> StreamCursor.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(edited)));
		}
	}

	@Test
	void refusesWhatIsNotACursor() {
		for (String bad : new String[] { "", "!!", "AAAA", "x".repeat(StreamCursor.MAX_LENGTH + 1),
				Base64.getUrlEncoder().encodeToString(new byte[25]) }) {
			assertThatExceptionOfType(InvalidCursor.class).isThrownBy(() -> StreamCursor.decode(bad));
		}
	}

}
