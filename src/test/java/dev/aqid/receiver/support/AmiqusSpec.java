package dev.aqid.receiver.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Amiqus's own OpenAPI description of its API (a copy of
 * {@code shared/amiqus-openapi.json} in the test resources), read for contract tests:
 * which operations exist, which query parameters and values each takes, and the JSON
 * Schema of each answer, checked with networknt's validator.
 */
public final class AmiqusSpec {

	private static final String LOCATION = "https://id.amiqus.co/openapi.json";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final JsonNode document;

	private final SchemaRegistry schemas;

	private final List<PathTemplate> paths;

	private AmiqusSpec(String text) {
		this.document = json.readTree(text);
		this.schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
				(builder) -> builder.schemas(Map.of(LOCATION, text)));
		List<PathTemplate> templates = new ArrayList<>();
		this.document.path("paths").propertyNames().forEach((path) -> templates.add(new PathTemplate(path)));
		// A literal segment wins over a template: /clients/{id}/forms before
		// /clients/{id}/{x}.
		templates.sort(Comparator.comparingInt(PathTemplate::templatedSegments));
		this.paths = List.copyOf(templates);
	}

	/**
	 * The description in the test resources.
	 * @return it, read
	 */
	public static AmiqusSpec load() {
		try (InputStream in = AmiqusSpec.class.getResourceAsStream("/amiqus-openapi.json")) {
			if (in == null) {
				throw new IllegalStateException("amiqus-openapi.json is missing from the test resources");
			}
			return new AmiqusSpec(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The server's base path, such as {@code /api/v2}.
	 * @return the path of the first server URL
	 */
	public String basePath() {
		return URI.create(this.document.path("servers").path(0).path("url").asString()).getPath();
	}

	/**
	 * The operation a request below the base URL is for.
	 * @param method the HTTP method
	 * @param path the path below the base URL, without its query
	 * @return the operation, or empty when the description has no such path and method
	 */
	public Optional<Operation> operation(String method, String path) {
		String lower = method.toLowerCase(Locale.ROOT);
		for (PathTemplate template : this.paths) {
			if (template.matches(path)) {
				JsonNode item = this.document.path("paths").path(template.template());
				return item.has(lower) ? Optional.of(new Operation(template.template(), lower, item))
						: Optional.empty();
			}
		}
		return Optional.empty();
	}

	/**
	 * Validates an error body against the answer the description shares between
	 * operations for this status ({@code #/components/responses/404}, say): the shape of
	 * an error Amiqus gives where an operation does not list that status itself.
	 * @param status the HTTP status
	 * @param body the JSON body
	 * @return the validator's errors, one line each; empty when the body conforms
	 */
	public List<String> sharedAnswerProblems(int status, JsonNode body) {
		String pointer = pointer("components", "responses", String.valueOf(status), "content", "application/json",
				"schema");
		if (this.document.at(pointer).isMissingNode()) {
			return List.of("no shared " + status + " answer with a JSON body");
		}
		Schema schema = this.schemas.getSchema(SchemaLocation.of(LOCATION + "#" + fragment(pointer)));
		return schema.validate(body).stream().map((error) -> "shared " + status + ": " + error).toList();
	}

	private JsonNode resolve(JsonNode node) {
		JsonNode current = node;
		while (current.has("$ref")) {
			current = this.document.at(current.path("$ref").asString().substring(1));
		}
		return current;
	}

	private static String pointer(String... tokens) {
		StringBuilder pointer = new StringBuilder();
		for (String token : tokens) {
			pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
		}
		return pointer.toString();
	}

	private static String fragment(String pointer) {
		StringBuilder encoded = new StringBuilder();
		for (char c : pointer.toCharArray()) {
			encoded.append((c == '{') ? "%7B" : (c == '}') ? "%7D" : String.valueOf(c));
		}
		return encoded.toString();
	}

	/**
	 * One operation of the description.
	 */
	public final class Operation {

		private final String path;

		private final String method;

		private final JsonNode item;

		Operation(String path, String method, JsonNode item) {
			this.path = path;
			this.method = method;
			this.item = item;
		}

		/**
		 * Where it is: {@code GET /records/{id}}.
		 * @return the method and path template
		 */
		@Override
		public String toString() {
			return this.method.toUpperCase(Locale.ROOT) + " " + this.path;
		}

		/**
		 * Its query parameters, those of its path item and its own, by name.
		 * @return each parameter's description, references resolved
		 */
		public Map<String, JsonNode> queryParameters() {
			Map<String, JsonNode> parameters = new LinkedHashMap<>();
			for (JsonNode list : List.of(this.item.path("parameters"),
					this.item.path(this.method).path("parameters"))) {
				for (JsonNode parameter : list) {
					JsonNode resolved = resolve(parameter);
					if ("query".equals(resolved.path("in").asString())) {
						parameters.put(resolved.path("name").asString(), resolved);
					}
				}
			}
			return parameters;
		}

		/**
		 * What is wrong with a query, against the parameters the operation declares: an
		 * unknown name, or a value outside a declared enum (an {@code expand} Amiqus does
		 * not offer, say).
		 * @param rawQuery the query as sent, or null
		 * @return one line a problem; empty when the query conforms
		 */
		public List<String> queryProblems(String rawQuery) {
			List<String> problems = new ArrayList<>();
			if (rawQuery == null || rawQuery.isEmpty()) {
				return problems;
			}
			Map<String, JsonNode> declared = queryParameters();
			for (String pair : rawQuery.split("&")) {
				String[] parts = pair.split("=", 2);
				String name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
				String value = (parts.length > 1) ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
				JsonNode parameter = declared.get(name);
				if (parameter == null) {
					problems.add(this + " has no query parameter '" + name + "' (it has " + declared.keySet() + ")");
					continue;
				}
				JsonNode schema = resolve(parameter.path("schema"));
				boolean array = "array".equals(schema.path("type").asString());
				JsonNode allowed = array ? resolve(schema.path("items")).path("enum") : schema.path("enum");
				if (allowed.isArray()) {
					List<String> values = array ? Arrays.asList(value.split(",")) : List.of(value);
					for (String one : values) {
						if (allowed.valueStream().noneMatch((option) -> option.asString().equals(one))) {
							problems.add(this + " does not offer " + name + "=" + one + " (it offers " + allowed + ")");
						}
					}
				}
			}
			return problems;
		}

		/**
		 * Whether the operation documents an answer with this status.
		 * @param status the HTTP status
		 * @return whether its responses list it
		 */
		public boolean documents(int status) {
			return this.item.path(this.method).path("responses").has(String.valueOf(status));
		}

		/**
		 * Validates an answer's JSON body against the schema documented for its status.
		 * @param status the HTTP status
		 * @param body the JSON body
		 * @return the validator's errors, one line each; empty when the body conforms
		 */
		public List<String> answerProblems(int status, JsonNode body) {
			JsonNode response = this.item.path(this.method).path("responses").path(String.valueOf(status));
			if (response.isMissingNode()) {
				return List.of(this + " documents no " + status + " answer");
			}
			String pointer;
			if (response.has("$ref")) {
				pointer = response.path("$ref").asString().substring(1) + "/content/application~1json/schema";
			}
			else {
				pointer = pointer("paths", this.path, this.method, "responses", String.valueOf(status), "content",
						"application/json", "schema");
			}
			if (AmiqusSpec.this.document.at(pointer).isMissingNode()) {
				return List.of(this + " documents no JSON body for " + status);
			}
			Schema schema = AmiqusSpec.this.schemas.getSchema(SchemaLocation.of(LOCATION + "#" + fragment(pointer)));
			List<Error> errors = schema.validate(body);
			return errors.stream().map((error) -> this + " " + status + ": " + error).toList();
		}

	}

	private record PathTemplate(String template, Pattern pattern, int templatedSegments) {

		PathTemplate(String template) {
			this(template,
					Pattern.compile(Arrays.stream(template.split("/", -1))
						.map((segment) -> segment.startsWith("{") ? "[^/]+" : Pattern.quote(segment))
						.reduce((a, b) -> a + "/" + b)
						.orElse("")),
					(int) template.chars().filter((c) -> c == '{').count());
		}

		boolean matches(String path) {
			return this.pattern.matcher(path).matches();
		}

	}

}
