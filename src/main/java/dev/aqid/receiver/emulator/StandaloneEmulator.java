package dev.aqid.receiver.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * The emulator in a minimal Spring Boot web application of its own (Tomcat, Spring MVC,
 * the emulator's beans; no database, no security), on {@code 127.0.0.1}: for tests that
 * need an Amiqus on its own port, and for {@link EmulatorMain}.
 * <p>
 * Not a {@code @Configuration} on purpose, so that the service's component scan never
 * picks it up; {@link SpringApplicationBuilder} takes it as a source all the same.
 */
@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
		WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class })
@Import(EmulatorConfiguration.class)
public final class StandaloneEmulator {

	/**
	 * Starts an emulator on {@code 127.0.0.1}.
	 * @param port the port, 0 for any free one
	 * @return the running emulator; close it to stop its application
	 */
	public static AmiqusEmulator start(int port) {
		return run(port, Map.of(), new String[0], StandaloneEmulator.class).getBean(AmiqusEmulator.class);
	}

	static ConfigurableApplicationContext run(int port, Map<String, Object> properties, String[] args,
			Class<?>... sources) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		// Not the service's application.yml: its port and settings are not the
		// emulator's.
		defaults.put("spring.config.name", "amiqus-emulator");
		defaults.put("server.port", port);
		defaults.put("server.address", "127.0.0.1");
		defaults.put(EmulatorConfiguration.ENABLED, true);
		// Not the service: no demo mode (DemoModeEnvironment runs in every application).
		defaults.put("amiqus.demo.enabled", false);
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("spring.jmx.enabled", false);
		defaults.putAll(properties);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.properties(defaults)
			.run(args);
		AmiqusEmulator emulator = context.getBean(AmiqusEmulator.class);
		emulator.stopsWith(context);
		return context;
	}

}
