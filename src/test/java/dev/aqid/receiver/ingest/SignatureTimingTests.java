package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Predicate;

import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forger who could time our answers must not learn where a guessed signature first goes
 * wrong. What is timed is the comparison of two precomputed 32-byte digests alone, the
 * only step whose time could depend on the guess: timing the whole check would time the
 * HMAC of the body, which costs a hundred times more and hides any difference in the
 * comparison. Timing is measured relatively, never against a fixed budget: the two cases
 * run interleaved in many rounds and their medians are compared, so load on the machine
 * slows both alike. The same probe, with the same calls and rounds, must see the leak of
 * a naive early-exit comparison, or its verdict on ours would mean nothing.
 */
class SignatureTimingTests {

	private static final int CALLS_PER_ROUND = 20_000;

	private static final byte[] DIGEST = SignatureVerifier.sign(WebhookClient.SECRET,
			WebhookClient.recordEvent("record.finished", 7, 8).getBytes(StandardCharsets.UTF_8));

	private final TimingProbe probe = new TimingProbe();

	@Test
	void comparesDigestsInTheSameTimeWhereverTheyDiffer() {
		double ratio = this.probe.ratioOfMedians((claimed) -> SignatureVerifier.digestsMatch(DIGEST, claimed),
				differingAt(0), differingAt(DIGEST.length - 1), CALLS_PER_ROUND);

		assertThat(ratio).as("time(mismatch in the last byte) / time(mismatch in the first)").isBetween(0.8, 1.25);
	}

	@Test
	void seesTheLeakOfAnEarlyExitComparison() {
		double ratio = this.probe.ratioOfMedians((claimed) -> earlyExitEquals(DIGEST, claimed), differingAt(0),
				differingAt(DIGEST.length - 1), CALLS_PER_ROUND);

		assertThat(ratio).as("the probe tells a first-byte from a last-byte mismatch").isGreaterThan(1.5);
	}

	private static byte[] differingAt(int index) {
		byte[] claimed = DIGEST.clone();
		claimed[index] ^= 0x5a;
		return claimed;
	}

	/** What {@code SignatureVerifier} must not do: stop at the first differing byte. */
	private static boolean earlyExitEquals(byte[] a, byte[] b) {
		if (a.length != b.length) {
			return false;
		}
		for (int i = 0; i < a.length; i++) {
			if (a[i] != b[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Times a check on two inputs, interleaved round by round, and compares the medians.
	 */
	static final class TimingProbe {

		private static final int ROUNDS = 401;

		private long sink;

		/** median time of {@code check(second)} / median time of {@code check(first)}. */
		double ratioOfMedians(Predicate<byte[]> check, byte[] first, byte[] second, int callsPerRound) {
			for (int warmUp = 0; warmUp < 20; warmUp++) {
				time(check, first, callsPerRound);
				time(check, second, callsPerRound);
			}
			long[] firstTimes = new long[ROUNDS];
			long[] secondTimes = new long[ROUNDS];
			for (int round = 0; round < ROUNDS; round++) {
				if (round % 2 == 0) {
					firstTimes[round] = time(check, first, callsPerRound);
					secondTimes[round] = time(check, second, callsPerRound);
				}
				else {
					secondTimes[round] = time(check, second, callsPerRound);
					firstTimes[round] = time(check, first, callsPerRound);
				}
			}
			assertThat(this.sink).as("no check matched a wrong signature").isZero();
			return (double) median(secondTimes) / median(firstTimes);
		}

		private long time(Predicate<byte[]> check, byte[] claimed, int calls) {
			long matches = 0;
			long started = System.nanoTime();
			for (int i = 0; i < calls; i++) {
				matches += check.test(claimed) ? 1 : 0;
			}
			long elapsed = System.nanoTime() - started;
			this.sink += matches;
			return elapsed;
		}

		private static long median(long[] times) {
			long[] sorted = times.clone();
			Arrays.sort(sorted);
			return sorted[sorted.length / 2];
		}

	}

}
