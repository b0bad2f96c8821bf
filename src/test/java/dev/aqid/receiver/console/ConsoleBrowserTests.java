package dev.aqid.receiver.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.ingest.GeneratedEvents;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real browser (Debian's headless Chromium through Selenium),
 * against the service in demo mode: the emulator's scenario gives the three events a
 * newcomer sees. A destination nothing listens on (one attempt) gives failed deliveries,
 * and enrichment with one attempt lets a single injected Amiqus error fail an event.
 * Skipped, saying how to install them, where Chromium or chromedriver is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(90);

	@TempDir
	static Path dataDir;

	private static RunningReceiver demo;

	private static ChromeDriver browser;

	private static String base;

	@BeforeAll
	static void start() {
		if (!Browser.installed()) {
			// Each test is then reported as skipped, with the message.
			System.err.println(Browser.MISSING);
			return;
		}
		demo = RunningReceiver.onDataDir(dataDir, "amiqus.demo.enabled=true", "amiqus.webhook.secrets=",
				"amiqus.enrichment.max-attempts=1", "receiver.destinations[0].name=crm",
				"receiver.destinations[0].url=http://127.0.0.1:" + FreePort.find() + "/hooks",
				"receiver.destinations[0].secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
				"receiver.destinations[0].max-attempts=1");
		base = "http://localhost:" + demo.port();
		browser = Browser.start();
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.quit();
		}
		if (demo != null) {
			demo.close();
		}
	}

	@BeforeEach
	void signedOut() {
		Browser.assumeInstalled();
		browser.get(base + "/console/sign-in");
		browser.manage().deleteAllCookies();
		browser.get(base + "/console/sign-in");
	}

	@Test
	@Order(1)
	void signsInSeesTheDemoEventsReplaysAFailedOneAndSignsOut() {
		browser.get(base + "/");
		assertThat(browser.getCurrentUrl()).as("/ and /console lead a signed-out browser to the sign-in form")
			.isEqualTo(base + "/console/sign-in");
		Browser.screenshot(browser, "sign-in");

		signIn("demo");
		assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console");
		Cookie session = browser.manage().getCookieNamed("JSESSIONID");
		assertThat(session).isNotNull();
		assertThat(session.isHttpOnly()).isTrue();
		assertThat(session.getSameSite()).isEqualTo("Strict");
		assertThat(session.isSecure()).as("plain HTTP: not Secure (it is over TLS)").isFalse();
		assertThat(session.getPath()).isEqualTo("/console");

		// The scenario's events arrive and settle while the page is open: live, no
		// reload.
		wait("the demo's three events, enriched")
			.until((driver) -> statusesByAlias().entrySet()
				.containsAll(Map
					.of("client.created", "enriched", "record.created", "enriched", "record.finished", "enriched")
					.entrySet()));
		WebElement finished = row("record.finished");
		String recordId = finished.findElements(By.tagName("td")).get(3).getText();
		String clientId = finished.findElements(By.tagName("td")).get(4).getText();

		AmiqusEmulator emulator = demo.context().getBean(AmiqusEmulator.class);
		emulator.failNext(1, 500);
		emulator.send("record.updated", "{\"record\":{\"id\":" + recordId + ",\"type\":\"client\"},\"client\":{\"id\":"
				+ clientId + "},\"case\":null}");
		wait("record.updated arrives live and fails its one enrichment attempt")
			.until((driver) -> "failed".equals(statusesByAlias().get("record.updated")));
		Browser.screenshot(browser, "events");

		// Its link, followed (the live list may swap the rows under a click).
		browser.get(row("record.updated").findElement(By.tagName("a")).getAttribute("href"));
		assertThat(browser.findElement(By.tagName("h1")).getText()).contains("record.updated");
		assertThat(text("enrichment-status")).isEqualTo("failed");
		assertThat(text("last-error")).contains("500");
		assertThat(browser.findElement(By.id("payload")).getText()).contains("\"record.updated\"");
		String eventUrl = browser.getCurrentUrl();

		browser.get(base + "/console/problems");
		wait("the failed deliveries to crm, which nothing answers").until((driver) -> {
			driver.navigate().refresh();
			return driver.findElements(By.cssSelector(".destination-block tbody tr")).size() >= 3;
		});
		assertThat(browser.findElement(By.id("failed-form")).getText()).contains("record.updated");
		Browser.screenshot(browser, "problems");

		browser.get(eventUrl);
		browser.findElement(By.id("replay")).click();
		wait("the replay's notice").until((driver) -> !driver.findElements(By.cssSelector(".notice")).isEmpty());
		assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("queued for enrichment again");
		wait("the replayed event enriched").until((driver) -> {
			driver.navigate().refresh();
			return "enriched".equals(text("enrichment-status"));
		});
		assertThat(text("last-error")).isEqualTo("–");
		assertThat(browser.findElement(By.cssSelector(".timeline")).getText()).contains("Replayed by an operator");
		assertThat(browser.findElements(By.cssSelector(".snapshot details"))).as("the record, its steps, the client")
			.hasSizeGreaterThanOrEqualTo(2);
		Browser.screenshot(browser, "event");

		browser.get(base + "/console/subscription");
		assertThat(text("in-sync")).isEqualTo("yes");
		Browser.screenshot(browser, "subscription");
		browser.get(base + "/console/destinations");
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("crm");
		Browser.screenshot(browser, "destinations");

		browser.findElement(By.id("sign-out")).click();
		wait("signed out").until((driver) -> driver.getCurrentUrl().equals(base + "/console/sign-in?signed-out"));
		assertThat(browser.findElement(By.tagName("main")).getText()).contains("You are signed out");
		browser.get(base + "/console/problems");
		assertThat(browser.getCurrentUrl()).as("the console is closed again").isEqualTo(base + "/console/sign-in");
	}

	@Test
	@Order(2)
	void aWrongKeyShowsAnErrorAndOpensNothing() {
		signIn("not-a-key");

		assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/sign-in?error");
		assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
			.contains("not one of the configured API keys");
		assertThat(browser.findElement(By.id("key")).getAttribute("aria-invalid")).isEqualTo("true");
		browser.get(base + "/console");
		assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/sign-in");
	}

	@Test
	@Order(3)
	void signsInWithTheKeyboardAlone() {
		Actions keys = new Actions(browser);
		keys.sendKeys(Keys.TAB).perform();
		assertThat(browser.switchTo().activeElement().getText()).as("the skip link comes first")
			.isEqualTo("Skip to main content");
		keys.sendKeys(Keys.TAB).perform();
		keys.sendKeys(Keys.TAB).perform();
		assertThat(browser.switchTo().activeElement().getAttribute("id")).as("then the key field").isEqualTo("key");
		keys.sendKeys("demo").sendKeys(Keys.ENTER).perform();
		wait("signed in").until((driver) -> driver.getCurrentUrl().equals(base + "/console"));

		keys.sendKeys(Keys.TAB).perform();
		assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to main content");
		keys.sendKeys(Keys.ENTER).perform();
		assertThat(browser.switchTo().activeElement().getTagName()).as("the skip link moves focus to the content")
			.isEqualTo("main");
		keys.sendKeys(Keys.TAB).perform();
		assertThat(browser.switchTo().activeElement().getAttribute("id")).as("and on to the first filter")
			.isEqualTo("alias");
		assertThat(browser.findElements(By.cssSelector("input:not([type=hidden]), select")))
			.allSatisfy((input) -> assertThat(
					browser.findElements(By.cssSelector("label[for='" + input.getAttribute("id") + "']")))
				.as("a label for #" + input.getAttribute("id"))
				.hasSize(1));
		String focusRing = (String) browser.executeScript(
				"var a = document.querySelector('#alias'); a.focus(); return getComputedStyle(a).outlineStyle;");
		assertThat(focusRing).as("a visible focus ring").isEqualTo("solid");
	}

	/**
	 * 100,000 events in the table: the list reads one page by the stream's index (newest
	 * first, a cursor for older pages), so it loads as fast as with three. Reports the
	 * browser's Navigation Timing (printed and in target/console-page-timing.txt).
	 */
	@Test
	@Order(4)
	void listsAPageOfAHundredThousandEventsWithoutReadingThemAll() throws IOException {
		JdbcTemplate jdbc = demo.context().getBean(JdbcTemplate.class);
		long started = System.nanoTime();
		GeneratedEvents.insert(jdbc, "console-timing", 9_000_000, 100_000);
		long insertMillis = (System.nanoTime() - started) / 1_000_000;
		jdbc.execute("analyze events");
		signIn("demo");

		List<String> report = new ArrayList<>();
		report.add("events in the table: " + jdbc.queryForObject("select count(*) from events", Long.class)
				+ " (100,000 generated in " + insertMillis + " ms)");
		report.add(timing("newest page (cold, first load)", base + "/console"));
		report.add(timing("newest page", base + "/console"));
		assertThat(browser.findElements(By.cssSelector("#event-rows tr[data-event-id]"))).hasSize(50);
		String older = browser.findElement(By.id("older")).getAttribute("href");
		report.add(timing("an older page (cursor)", older));
		for (int i = 0; i < 20; i++) {
			browser.findElement(By.id("older")).click();
		}
		report.add(timing("21 pages back (cursor)", browser.getCurrentUrl()));
		assertThat(browser.findElements(By.cssSelector("#event-rows tr[data-event-id]"))).hasSize(50);
		report.add(timing("filtered by record_id", base + "/console?record_id=9005000"));
		assertThat(browser.findElements(By.cssSelector("#event-rows tr[data-event-id]"))).hasSize(10);
		report.add(timing("filtered by alias=record.* and status=enriched",
				base + "/console?alias=record.*&status=enriched"));
		report.add(timing("filtered by received_after (a time window)",
				base + "/console?received_after=" + java.time.Instant.now().minus(Duration.ofDays(1))));
		report.add(timing("problems page", base + "/console/problems"));

		String text = report.stream().collect(Collectors.joining(System.lineSeparator()));
		System.out.println("Console page timing (Navigation Timing, ms):" + System.lineSeparator() + text);
		Files.writeString(Path.of("target/console-page-timing.txt"), text + System.lineSeparator());
	}

	/**
	 * Loads the page five times and reports the median of each Navigation Timing figure.
	 */
	private static String timing(String what, String url) {
		int runs = what.contains("cold") ? 1 : 5;
		List<double[]> samples = new ArrayList<>();
		for (int i = 0; i < runs; i++) {
			browser.get(url);
			@SuppressWarnings("unchecked")
			List<Number> figures = (List<Number>) browser.executeScript("""
					var n = performance.getEntriesByType('navigation')[0];
					return [n.responseStart - n.requestStart, n.responseEnd - n.startTime,
					        n.domContentLoadedEventEnd - n.startTime, n.loadEventEnd - n.startTime];""");
			samples.add(figures.stream().mapToDouble(Number::doubleValue).toArray());
		}
		double[] median = new double[4];
		for (int f = 0; f < 4; f++) {
			int figure = f;
			median[f] = samples.stream().mapToDouble((s) -> s[figure]).sorted().toArray()[runs / 2];
		}
		return String.format("%-48s server (request to first byte) %6.1f, response end %6.1f, "
				+ "DOMContentLoaded %6.1f, load %6.1f", what + ":", median[0], median[1], median[2], median[3]);
	}

	private static void signIn(String key) {
		browser.get(base + "/console/sign-in");
		WebElement field = browser.findElement(By.id("key"));
		field.clear();
		field.sendKeys(key);
		String before = browser.getCurrentUrl();
		browser.findElement(By.id("sign-in")).click();
		wait("the sign-in answered").until((driver) -> !driver.getCurrentUrl().equals(before)
				|| !driver.findElements(By.cssSelector("[role=alert]")).isEmpty());
	}

	private static Map<String, String> statusesByAlias() {
		Map<String, String> statuses = new java.util.HashMap<>();
		for (WebElement row : browser.findElements(By.cssSelector("#event-rows tr[data-event-id]"))) {
			List<WebElement> cells = row.findElements(By.tagName("td"));
			statuses.putIfAbsent(cells.get(1).getText(), row.getAttribute("data-status"));
		}
		return statuses;
	}

	private static WebElement row(String alias) {
		return browser.findElements(By.cssSelector("#event-rows tr[data-event-id]"))
			.stream()
			.filter((row) -> row.findElements(By.tagName("td")).get(1).getText().equals(alias))
			.findFirst()
			.orElseThrow();
	}

	private static String text(String id) {
		return browser.findElement(By.id(id)).getText();
	}

	private static WebDriverWait wait(String what) {
		WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(500));
		wait.withMessage(what);
		wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
		return wait;
	}

}
