package dev.aqid.receiver.emulator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An absolute {@code http} or {@code https} URL with a host, or absent; a blank one is
 * missing, as Amiqus reports it.
 */
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = HttpUrl.Check.class)
@interface HttpUrl {

	String message() default "The :attribute must be a valid URL.";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/**
	 * The check behind {@link HttpUrl}.
	 */
	class Check implements ConstraintValidator<HttpUrl, String> {

		@Override
		public boolean isValid(String url, ConstraintValidatorContext context) {
			if (url == null) {
				return true;
			}
			if (url.isBlank()) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(WebhookBody.REQUIRED).addConstraintViolation();
				return false;
			}
			return AmiqusEmulator.isHttpUrl(url);
		}

	}

}
