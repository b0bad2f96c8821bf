package dev.aqid.receiver.query;

import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description at {@code /v3/api-docs} (Swagger UI at
 * {@code /swagger-ui.html}): the query API, its bearer API-key scheme and its problem
 * responses.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	static final String PROBLEM = "#/components/schemas/Problem";

	private static final String API_KEY = "api-key";

	@Bean
	OpenAPI queryApiDescription() {
		Schema<?> problem = new ObjectSchema().description("An RFC 9457 problem (application/problem+json)")
			.properties(Map.of("type", new StringSchema().example("about:blank"), "title",
					new StringSchema().example("Bad Request"), "status", new IntegerSchema().example(400), "detail",
					new StringSchema().example("limit must be between 1 and 100, not 500"), "instance",
					new StringSchema().example("/api/events"), "parameter",
					new StringSchema().description("The offending query parameter, for 400s").example("limit")));
		return new OpenAPI()
			.info(new Info().title("Amiqus webhook receiver: query API")
				.version("1")
				.description("Stored Amiqus ID webhook deliveries and the latest snapshots of the objects they "
						+ "refer to, for internal systems. JSON is snake_case; every error is "
						+ "application/problem+json."))
			.components(new Components().addSchemas("Problem", problem)
				.addSecuritySchemes(API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("One of RECEIVER_API_KEYS, as Authorization: Bearer <key>")))
			.addSecurityItem(new SecurityRequirement().addList(API_KEY));
	}

	/** Every operation can answer 401. */
	@Bean
	OpenApiCustomizer unauthorizedResponses() {
		return (openApi) -> openApi.getPaths()
			.values()
			.forEach(
					(path) -> path.readOperations()
						.forEach((operation) -> operation.getResponses()
							.addApiResponse("401", new ApiResponse()
								.description("No API key, not the Bearer scheme, or a key that is not configured")
								.content(new Content().addMediaType(
										org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
										new MediaType().schema(new Schema<>().$ref(PROBLEM)))))));
	}

}
