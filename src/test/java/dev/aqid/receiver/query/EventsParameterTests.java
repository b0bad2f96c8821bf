package dev.aqid.receiver.query;

import java.time.Clock;
import java.util.List;

import dev.aqid.receiver.enrichment.EnrichmentReplay;
import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The query API's parameter handling as a web slice: only the controller, its problem
 * mapping and Spring MVC, no server and no database (what the stream does with a filter
 * is {@code EventQueryTests}'s business). Security filters are left out: the API keys are
 * {@code QueryApiSecurityTests}'s.
 */
@WebMvcTest(EventsController.class)
@AutoConfigureMockMvc(addFilters = false)
@EnableConfigurationProperties(LongPollProperties.class)
@Import(EventsParameterTests.Time.class)
class EventsParameterTests {

	/**
	 * The slice takes in every {@code @ControllerAdvice}, the console's too, which asks
	 * for the application's clock.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class Time {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

	@Autowired
	MockMvcTester mvc;

	@MockitoBean
	EventStream events;

	@MockitoBean
	EnrichmentReplay replay;

	@MockitoBean
	LongPolls longPolls;

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "limit|0|between 1 and 100", "limit|101|between 1 and 100",
					"limit|many|an integer between 1 and 100", "status|done|one of pending, enriched, failed, skipped",
					"record_id|abc|a whole number", "received_after|yesterday|RFC 3339", "alias|*.updated|at the end",
					"cursor|bm90LW91cnM|send back next_cursor exactly", "wait|1h|a duration such as 30s",
					"wait|61s|at most 60s", "wait|-5|a duration" })
	void refusesAValueItCannotUseBeforeAnyQueryRuns(String parameter, String value, String explanation) {
		MvcTestResult result = this.mvc.get().uri("/api/events").param(parameter, value).exchange();

		assertThat(result).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.parameter").isEqualTo(parameter);
		assertThat(result).bodyJson().extractingPath("$.detail").asString().contains(explanation);
		assertThat(result).bodyJson().extractingPath("$.instance").isEqualTo("/api/events");
		verifyNoInteractions(this.events, this.longPolls);
	}

	@Test
	void handsTheStreamTheFilterAndPageSizeItWasAskedFor() {
		given(this.events.page(any(), any(), anyInt())).willReturn(List.of());

		assertThat(this.mvc.get()
			.uri("/api/events")
			.param("record_id", "42")
			.param("status", "failed")
			.param("alias", "record.*")
			.param("limit", "7")).hasStatusOk().bodyJson().extractingPath("$.next_cursor").isNull();

		then(this.events).should()
			.page(argThat((filter) -> filter.recordId() == 42L && filter.status() == EnrichmentStatus.failed
					&& filter.clientId() == null), isNull(), eq(7));
	}

}
