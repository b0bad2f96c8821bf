package dev.aqid.receiver.system;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Matches when the operator has not pointed the service at a PostgreSQL of their own and
 * nothing has turned the embedded server off ({@code receiver.embedded-db-enabled=false}:
 * what the tests set when a Testcontainers PostgreSQL provides the connection instead).
 */
class NoExternalDatabaseConfigured implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return matches(context.getEnvironment());
	}

	static boolean matches(Environment environment) {
		return !StringUtils.hasText(environment.getProperty("spring.datasource.url"))
				&& environment.getProperty("receiver.embedded-db-enabled", Boolean.class, true);
	}

}
