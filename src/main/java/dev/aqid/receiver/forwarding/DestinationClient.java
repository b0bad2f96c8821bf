package dev.aqid.receiver.forwarding;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * POSTs one signed body to a destination, with a connect and a read timeout on every
 * call. The answer's body is discarded: only its status counts.
 */
@Component
class DestinationClient {

	private final HttpClient http;

	private final Duration readTimeout;

	DestinationClient(ForwardingProperties properties) {
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		this.readTimeout = properties.readTimeout();
	}

	/**
	 * @param propagation headers that carry the trace (W3C {@code traceparent}), empty
	 * with tracing off
	 */
	Answer post(Destination destination, String id, long timestamp, String body, Map<String, String> propagation)
			throws InterruptedException {
		HttpRequest.Builder builder = HttpRequest.newBuilder(destination.url());
		propagation.forEach(builder::header);
		HttpRequest request = builder.timeout(this.readTimeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "amiqus-webhook-receiver")
			.header("webhook-id", id)
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature", StandardWebhooksSignature.header(destination.keys(), id, timestamp, body))
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		try {
			int status = this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			return new Answer(status, (status >= 200 && status < 300) ? null : "HTTP " + status, (status / 100) + "xx");
		}
		catch (HttpConnectTimeoutException ex) {
			return new Answer(0, "no connection within " + this.http.connectTimeout().orElseThrow(), "timeout");
		}
		catch (HttpTimeoutException ex) {
			return new Answer(0, "no answer within " + this.readTimeout, "timeout");
		}
		catch (IOException ex) {
			return new Answer(0,
					ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""), "error");
		}
	}

	/**
	 * What one attempt came to.
	 *
	 * @param status the HTTP status (0: no answer)
	 * @param error why it is not delivered (null: delivered)
	 * @param result for the attempts metric
	 */
	record Answer(int status, @org.jspecify.annotations.Nullable String error, String result) {

		boolean delivered() {
			return this.error == null;
		}

	}

}
