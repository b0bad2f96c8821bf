package dev.aqid.receiver.ingest;

import java.time.Duration;
import java.util.List;

import dev.aqid.receiver.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of forgeries gives one log line per reason and interval, which says how many
 * refusals it stood for; what an unauthenticated caller sent shows only in a bounded,
 * printable form.
 */
@ExtendWith(OutputCaptureExtension.class)
class RejectionLogTests {

	private final MutableClock clock = MutableClock.standing();

	@Test
	void logsOneLinePerReasonAndIntervalHoweverManyAreRefused(CapturedOutput output) {
		RejectionLog rejections = rejectionLog(Duration.ofHours(1));

		for (int i = 0; i < 500; i++) {
			rejections.refused("signature_mismatch", "d-" + i, "127.0.0.1");
		}
		rejections.refused("signature_missing", "d-x", "127.0.0.1");

		assertThat(refusalLines(output)).hasSize(2)
			.anyMatch((line) -> line.contains("(signature_mismatch): delivery id d-0,"))
			.anyMatch((line) -> line.contains("(signature_missing)"));
	}

	@Test
	void countsTheRefusalsItDidNotLogInItsNextLine(CapturedOutput output) {
		RejectionLog rejections = rejectionLog(Duration.ofMinutes(5));

		for (int i = 0; i < 11; i++) {
			rejections.refused("signature_mismatch", "d-" + i, "127.0.0.1");
		}
		this.clock.advance(Duration.ofMinutes(4));
		rejections.refused("signature_mismatch", "d-early", "127.0.0.1");
		this.clock.advance(Duration.ofMinutes(1));
		rejections.refused("signature_mismatch", "d-last", "127.0.0.1");

		assertThat(refusalLines(output)).hasSize(2)
			.last()
			.asString()
			.contains("delivery id d-last")
			.contains("11 more refused for this reason since the last such line");
	}

	@Test
	void showsOnlyABoundedPrintableFormOfWhatTheCallerSent(CapturedOutput output) {
		rejectionLog(Duration.ofHours(1)).refused("signature_mismatch",
				"abc\r\n2026-11-26 INFO forged line\u001b[31m" + "x".repeat(500), "127.0.0.1");

		assertThat(refusalLines(output)).singleElement()
			.asString()
			.contains("delivery id abc??2026-11-26 INFO forged line?[31m")
			.doesNotContain("x".repeat(80))
			.contains("…");
		assertThat(output.getAll()).doesNotContain("\u001b").doesNotContain("\nforged");
		assertThat(RejectionLog.printable(null)).isNull();
	}

	@Test
	void logsAgainForAReasonOnlyOnceItsIntervalHasPassed(CapturedOutput output) {
		RejectionLog rejections = rejectionLog(Duration.ofSeconds(30));

		rejections.refused("signature_mismatch", "d-1", "127.0.0.1");
		this.clock.advance(Duration.ofSeconds(29));
		rejections.refused("signature_mismatch", "d-2", "127.0.0.1");
		assertThat(refusalLines(output)).hasSize(1);

		this.clock.advance(Duration.ofSeconds(1));
		rejections.refused("signature_mismatch", "d-3", "127.0.0.1");
		assertThat(refusalLines(output)).hasSize(2).last().asString().contains("delivery id d-3");
	}

	private static List<String> refusalLines(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains("Refused a webhook delivery")).toList();
	}

	private RejectionLog rejectionLog(Duration interval) {
		return new RejectionLog(new IngestProperties(List.of(), DataSize.ofMegabytes(1), Duration.ofSeconds(3), 1, 64,
				interval, Duration.ofDays(7)), this.clock);
	}

}
