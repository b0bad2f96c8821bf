package dev.aqid.receiver.console;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Served over TLS, the console's session cookie is {@code Secure} (and the answer carries
 * HSTS): the service on HTTPS with a certificate made for the test by the JDK's keytool.
 */
class ConsoleTlsTests {

	private static final String PASSWORD = "console-tls-test";

	@TempDir
	Path dir;

	@Test
	void marksTheSessionCookieSecureOverTls() throws Exception {
		Path keyStore = this.dir.resolve("server.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "console", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
				"-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(),
				"-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
			.redirectErrorStream(true)
			.start();
		assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

		try (RunningReceiver receiver = RunningReceiver.onDataDir(this.dir.resolve("db"), "server.ssl.enabled=true",
				"server.ssl.key-store=" + keyStore, "server.ssl.key-store-type=PKCS12",
				"server.ssl.key-store-password=" + PASSWORD, "receiver.api.keys=tls-key")) {
			HttpClient https = HttpClient.newBuilder().sslContext(trusting(keyStore)).build();
			String base = "https://localhost:" + receiver.port();

			HttpResponse<String> form = https.send(request(base + "/console/sign-in").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(form.statusCode()).isEqualTo(200);
			assertThat(form.headers().firstValue("Strict-Transport-Security")).isPresent();
			String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
			assertThat(cookie).contains("Secure", "HttpOnly", "SameSite=Strict");
			HttpResponse<String> signIn = https
				.send(request(base + "/console/sign-in").header("Cookie", cookie.substring(0, cookie.indexOf(';')))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers
						.ofString("key=tls-key&_csrf=" + ConsoleSecurityTests.csrf(form.body())))
					.build(), HttpResponse.BodyHandlers.ofString());

			assertThat(signIn.statusCode()).isEqualTo(302);
			List<String> cookies = signIn.headers().allValues("Set-Cookie");
			assertThat(cookies).as("the signed-in session's new cookie")
				.anySatisfy((value) -> assertThat(value).startsWith("JSESSIONID=")
					.contains("Secure", "HttpOnly", "SameSite=Strict", "Path=/console"));
		}
	}

	private static HttpRequest.Builder request(String url) {
		return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Accept", "text/html");
	}

	private static SSLContext trusting(Path keyStore) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(store);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

}
