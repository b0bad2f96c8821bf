package dev.aqid.receiver.forwarding;

import java.time.Duration;
import java.util.List;

import dev.aqid.receiver.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker of each destination: repeated failures open it, the destination is
 * left alone for the cool-down, one probe decides, and the other destinations never
 * notice.
 */
class DestinationCircuitsTests {

	final MutableClock clock = MutableClock.standing();

	final ForwardingProperties properties = new ForwardingProperties(true, 1, 10, Duration.ofMinutes(2),
			Duration.ofMillis(250), 8, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(10),
			Duration.ofSeconds(10), Duration.ofMinutes(15),
			new ForwardingProperties.Circuit(4, 50, Duration.ofSeconds(30)));

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	final DestinationCircuits circuits = new DestinationCircuits(
			new Destinations(new DestinationsProperties(List.of(entry("crm"), entry("ledger"))), this.properties),
			this.properties, this.clock, this.registry);

	@Test
	void opensAfterRepeatedFailuresAndRefusesAttemptsDuringTheCoolDown() {
		fail("crm", 2);
		succeed("crm", 1);
		assertThat(this.circuits.state("crm")).as("below the failure rate until the window is full")
			.isEqualTo("closed");
		fail("crm", 1);

		assertThat(this.circuits.state("crm")).isEqualTo("open");
		assertThat(this.circuits.permit("crm")).isFalse();
		this.clock.advance(Duration.ofSeconds(29));
		assertThat(this.circuits.permit("crm")).isFalse();
		assertThat(this.circuits.permit("ledger")).as("another destination's circuit").isTrue();
		assertThat(gauge("crm", "open")).isEqualTo(1);
		assertThat(gauge("crm", "closed")).isEqualTo(0);
	}

	@Test
	void letsOneProbeThroughAfterTheCoolDownAndClosesWhenItSucceeds() {
		fail("crm", 4);
		this.clock.advance(Duration.ofSeconds(31));

		assertThat(this.circuits.permit("crm")).as("the probe").isTrue();
		assertThat(this.circuits.state("crm")).isEqualTo("half_open");
		assertThat(this.circuits.permit("crm")).as("a second caller while the probe is out").isFalse();
		this.circuits.succeeded("crm", Duration.ofMillis(20));

		assertThat(this.circuits.state("crm")).isEqualTo("closed");
		assertThat(this.circuits.permit("crm")).isTrue();
		assertThat(gauge("crm", "closed")).isEqualTo(1);
	}

	@Test
	void opensAgainWhenTheProbeFails() {
		fail("crm", 4);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.circuits.permit("crm")).isTrue();

		this.circuits.failed("crm", Duration.ofSeconds(10), "no answer within PT10S");

		assertThat(this.circuits.state("crm")).isEqualTo("open");
		assertThat(this.circuits.permit("crm")).isFalse();
	}

	@Test
	void anUnusedPermissionLetsTheNextCallerProbe() {
		fail("crm", 4);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.circuits.permit("crm")).isTrue();

		this.circuits.unused("crm");

		assertThat(this.circuits.permit("crm")).isTrue();
	}

	private void fail(String destination, int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.circuits.permit(destination)).isTrue();
			this.circuits.failed(destination, Duration.ofMillis(5), "HTTP 503");
		}
	}

	private void succeed(String destination, int times) {
		for (int i = 0; i < times; i++) {
			assertThat(this.circuits.permit(destination)).isTrue();
			this.circuits.succeeded(destination, Duration.ofMillis(5));
		}
	}

	private double gauge(String destination, String state) {
		return this.registry.get("receiver.forwarding.circuit")
			.tag("destination", destination)
			.tag("state", state)
			.gauge()
			.value();
	}

	private static DestinationsProperties.Entry entry(String name) {
		return new DestinationsProperties.Entry("http://" + name + ".internal/", null,
				StandardWebhooksSignatureTests.SECRET, name, null, null);
	}

}
