package dev.aqid.receiver.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: both paths are set
 * explicitly, so Selenium Manager never downloads anything. Where either is missing the
 * calling test is skipped with the command that installs them.
 */
final class Browser {

	static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));

	static final Path CHROMEDRIVER = Path.of(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));

	static final String MISSING = "Browser tests skipped: no " + CHROMIUM + " or " + CHROMEDRIVER
			+ "; install them with: sudo apt-get install chromium chromium-driver";

	private Browser() {
	}

	static boolean installed() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	/** Skips the calling test unless Chromium and its driver are installed. */
	static void assumeInstalled() {
		assumeTrue(installed(), MISSING);
	}

	static ChromeDriver start() {
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogFile(new File("target/chromedriver.log"))
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--window-size=1280,1000", "--lang=en-GB", "--no-first-run", "--disable-extensions",
				"--password-store=basic");
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
		return driver;
	}

	/**
	 * Saves the page as a PNG under {@code target/console-screenshots}, and also under
	 * the folder named by {@code -Dconsole.screenshots=docs/console} (how the README's
	 * screenshots are made).
	 */
	static void screenshot(ChromeDriver driver, String name) {
		byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
		try {
			Path target = Path.of("target/console-screenshots");
			Files.createDirectories(target);
			Files.write(target.resolve(name + ".png"), png);
			String docs = System.getProperty("console.screenshots");
			if (docs != null && !docs.isBlank()) {
				Path folder = Path.of(docs);
				Files.createDirectories(folder);
				Files.write(folder.resolve(name + ".png"), png);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
