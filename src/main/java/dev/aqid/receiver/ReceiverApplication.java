package dev.aqid.receiver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Receives Amiqus ID webhook deliveries, verifies and stores them durably, exactly once.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ReceiverApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReceiverApplication.class, args);
	}

}
