package dev.aqid.receiver.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole service on a random port over the embedded PostgreSQL in a fresh directory
 * under {@code target/}. Every class with this annotation shares one running instance, so
 * tests tell their data apart by unique ids rather than by emptying tables.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/shared-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET + " , " + WebhookClient.SECOND_SECRET,
				"receiver.api.keys=" + ApiClient.KEY + "," + ApiClient.SECOND_KEY })
public @interface ReceiverServerTest {

}
