package dev.aqid.receiver.forwarding;

import java.time.Duration;
import java.util.List;

import dev.aqid.receiver.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health component: a destination failing for longer than the threshold shows, and a
 * delivery clears it.
 */
class ForwardingHealthIndicatorTests {

	final MutableClock clock = MutableClock.standing();

	final ForwardingProperties properties = new ForwardingProperties(true, 1, 10, Duration.ofMinutes(2),
			Duration.ofMillis(250), 8, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(10),
			Duration.ofSeconds(10), Duration.ofMinutes(15),
			new ForwardingProperties.Circuit(2, 50, Duration.ofSeconds(30)));

	final Destinations destinations = new Destinations(
			new DestinationsProperties(List.of(new DestinationsProperties.Entry("http://crm.internal/", null,
					StandardWebhooksSignatureTests.SECRET, "crm", null, null))),
			this.properties);

	final DestinationCircuits circuits = new DestinationCircuits(this.destinations, this.properties, this.clock,
			new SimpleMeterRegistry());

	final ForwardingHealthIndicator indicator = new ForwardingHealthIndicator(this.clock, this.properties,
			this.circuits, this.destinations);

	@Test
	void reportsADestinationFailingLongerThanTheThreshold() {
		this.indicator.failed("crm", "HTTP 503");
		this.clock.advance(Duration.ofMinutes(10));
		this.indicator.failed("crm", "no answer within PT10S");
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);

		this.clock.advance(Duration.ofMinutes(6));

		Health health = this.indicator.health();
		assertThat(health.getStatus()).isEqualTo(ForwardingHealthIndicator.UNREACHABLE);
		assertThat(health.getDetails()).containsKey("crm");
		assertThat(health.getDetails().get("crm").toString()).contains("lastError=no answer within PT10S");
	}

	@Test
	void aDeliveryClearsIt() {
		this.indicator.failed("crm", "HTTP 500");
		this.clock.advance(Duration.ofMinutes(20));
		this.indicator.delivered("crm");

		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void namesADestinationWhoseCircuitIsOpenWithoutTurningDown() {
		assertThat(this.indicator.health().getDetails()).isEmpty();
		for (int i = 0; i < 2; i++) {
			assertThat(this.circuits.permit("crm")).isTrue();
			this.circuits.failed("crm", Duration.ofMillis(5), "HTTP 503");
		}

		Health health = this.indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("crm").toString()).contains("circuit=open");
	}

}
