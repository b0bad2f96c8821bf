package dev.aqid.receiver.amiqus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One entry of a webhook's delivery log ({@code GET /webhooks/{id}/deliveries}, kept 90
 * days). The request and response are kept as JSON as Amiqus returns them; the helpers
 * read them leniently (header names in any case, header values as strings or lists, a
 * body as a JSON object or as JSON text).
 *
 * @param uuid the delivery's id in the log (whether it equals {@code X-AQID-Delivery-Id}
 * is not documented: see {@link #deliveryId()})
 * @param event the event alias, such as {@code record.finished} or {@code ping}
 * @param attempts attempts made so far, 0 when missing
 * @param lastSentAt {@code last_sent_at}, null when missing
 * @param request what Amiqus sent ({@code url}, {@code headers}, {@code body}), null when
 * missing
 * @param response what our endpoint answered ({@code status}, {@code headers},
 * {@code body}), null when missing
 */
public record WebhookDelivery(String uuid, String event, int attempts, Instant lastSentAt, JsonNode request,
		JsonNode response) {

	static WebhookDelivery from(JsonNode node) {
		Integer attempts = AmiqusJson.intValue(node.path("attempts"));
		return new WebhookDelivery(AmiqusJson.text(node.path("uuid")), AmiqusJson.text(node.path("event")),
				(attempts != null) ? attempts : 0, AmiqusJson.instant(node.path("last_sent_at")),
				AmiqusJson.presentOrNull(node.path("request")), AmiqusJson.presentOrNull(node.path("response")));
	}

	/**
	 * A header of the request Amiqus sent, matched by name in any case.
	 * @param name the header name, such as {@code X-AQID-Delivery-Id}
	 * @return the header's (first) value, or null when absent
	 */
	public String requestHeader(String name) {
		return header((this.request != null) ? this.request.path("headers") : null, name);
	}

	/**
	 * {@code X-AQID-Delivery-Id} of the request, the receiver's dedupe key.
	 * @return the header's value, or null when absent
	 */
	public String deliveryId() {
		return requestHeader("X-AQID-Delivery-Id");
	}

	/**
	 * {@code X-AQID-Signature} of the request. The log's body is parsed JSON, so the
	 * signature need not verify against it re-serialised.
	 * @return the header's value, or null when absent
	 */
	public String signature() {
		return requestHeader("X-AQID-Signature");
	}

	/**
	 * The body Amiqus sent, as JSON. A body logged as a string of JSON text is parsed; a
	 * string that is not JSON comes back as that string node.
	 * @return the body, or null when absent
	 */
	public JsonNode requestBody() {
		if (this.request == null) {
			return null;
		}
		JsonNode body = AmiqusJson.presentOrNull(this.request.path("body"));
		if (body != null && body.isString()) {
			try {
				JsonNode parsed = AmiqusJson.parse(body.stringValue().getBytes(StandardCharsets.UTF_8));
				return (parsed != null) ? parsed : body;
			}
			catch (JacksonException ex) {
				return body;
			}
		}
		return body;
	}

	/**
	 * The HTTP status our endpoint answered with ({@code response.status}, or
	 * {@code status_code} / {@code code}).
	 * @return the status, or null when not logged
	 */
	public Integer responseStatus() {
		if (this.response == null) {
			return null;
		}
		for (String field : new String[] { "status", "status_code", "code" }) {
			Integer status = AmiqusJson.intValue(this.response.path(field));
			if (status != null) {
				return status;
			}
		}
		return null;
	}

	/**
	 * Identifies the delivery without its request and response, which hold bodies and
	 * signatures that do not belong in logs.
	 */
	@Override
	public String toString() {
		return "WebhookDelivery[uuid=" + this.uuid + ", event=" + this.event + ", attempts=" + this.attempts
				+ ", lastSentAt=" + this.lastSentAt + "]";
	}

	/**
	 * Headers as an object of name to value (or list of values), or as a list of
	 * {@code {name, value}} objects.
	 */
	private static String header(JsonNode headers, String name) {
		if (headers == null || name == null) {
			return null;
		}
		String wanted = name.toLowerCase(Locale.ROOT);
		if (headers.isObject()) {
			for (Map.Entry<String, JsonNode> entry : headers.properties()) {
				if (entry.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
					String value = firstValue(entry.getValue());
					if (value != null) {
						return value;
					}
				}
			}
		}
		else if (headers.isArray()) {
			for (JsonNode header : headers) {
				String headerName = AmiqusJson.text(header.path("name"));
				if (headerName == null) {
					headerName = AmiqusJson.text(header.path("key"));
				}
				if (headerName != null && headerName.toLowerCase(Locale.ROOT).equals(wanted)) {
					String value = firstValue(header.path("value"));
					if (value != null) {
						return value;
					}
				}
			}
		}
		return null;
	}

	private static String firstValue(JsonNode value) {
		if (value.isArray()) {
			for (JsonNode element : value) {
				String text = AmiqusJson.text(element);
				if (text != null) {
					return text;
				}
			}
			return null;
		}
		return AmiqusJson.text(value);
	}

}
