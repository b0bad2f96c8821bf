package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the service calls the Amiqus ID API v2.
 *
 * @param url base URL of the API, paths such as {@code /records/1} are appended to it
 * @param token personal access or OAuth token sent as {@code Authorization: Bearer}; null
 * or blank sends no {@code Authorization} header
 * @param connectTimeout longest wait for a TCP (and TLS) connection
 * @param readTimeout longest wait for a response once the request is sent
 */
@ConfigurationProperties("amiqus.api")
public record AmiqusApiProperties(@DefaultValue("https://id.amiqus.co/api/v2") URI url, String token,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout) {

	static final URI DEFAULT_URL = URI.create("https://id.amiqus.co/api/v2");

	public AmiqusApiProperties {
		url = (url != null) ? url : DEFAULT_URL;
		connectTimeout = (connectTimeout != null) ? connectTimeout : Duration.ofSeconds(5);
		readTimeout = (readTimeout != null) ? readTimeout : Duration.ofSeconds(10);
	}

	/**
	 * Whether an {@code Authorization} header is sent.
	 * @return true when a non-blank token is configured
	 */
	public boolean hasToken() {
		return this.token != null && !this.token.isBlank();
	}

	/**
	 * Never shows the token: properties end up in logs and actuator output.
	 */
	@Override
	public String toString() {
		return "AmiqusApiProperties[url=" + this.url + ", token=" + (hasToken() ? "******" : "none")
				+ ", connectTimeout=" + this.connectTimeout + ", readTimeout=" + this.readTimeout + "]";
	}

}
