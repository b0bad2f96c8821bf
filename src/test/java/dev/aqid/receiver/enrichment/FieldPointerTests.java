package dev.aqid.receiver.enrichment;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FieldPointerTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void dropsATopLevelField() {
		assertThat(drop("/email", "{\"id\":1,\"email\":\"a@example.com\"}")).isEqualTo("{\"id\":1}");
	}

	@Test
	void dropsANestedFieldAndLeavesItsSiblings() {
		assertThat(drop("/name/first_name", "{\"name\":{\"first_name\":\"Ann\",\"last_name\":\"Lee\"}}"))
			.isEqualTo("{\"name\":{\"last_name\":\"Lee\"}}");
	}

	@Test
	void aWildcardReachesEveryArrayElement() {
		assertThat(drop("/steps/*/check/response",
				"{\"steps\":[{\"check\":{\"id\":1,\"response\":{\"dob\":\"1980-01-01\"}}},{\"check\":{\"id\":2}},"
						+ "{\"check\":{\"id\":3,\"response\":null}}]}"))
			.isEqualTo("{\"steps\":[{\"check\":{\"id\":1}},{\"check\":{\"id\":2}},{\"check\":{\"id\":3}}]}");
	}

	@Test
	void aWildcardReachesEveryObjectMemberAndCanLeadTheSteps() {
		assertThat(drop("/*/email", "[{\"id\":1,\"email\":\"a\"},{\"id\":2,\"email\":\"b\"}]"))
			.isEqualTo("[{\"id\":1},{\"id\":2}]");
		assertThat(drop("/people/*/email", "{\"people\":{\"a\":{\"email\":\"x\",\"id\":1}}}"))
			.isEqualTo("{\"people\":{\"a\":{\"id\":1}}}");
	}

	@Test
	void aTrailingWildcardEmptiesTheContainer() {
		assertThat(drop("/address/*", "{\"id\":1,\"address\":{\"line_1\":\"x\",\"postcode\":\"y\"}}"))
			.isEqualTo("{\"id\":1,\"address\":{}}");
	}

	@Test
	void anIndexNamesOneArrayElement() {
		assertThat(drop("/items/1", "{\"items\":[10,20,30]}")).isEqualTo("{\"items\":[10,30]}");
		assertThat(drop("/items/7", "{\"items\":[10]}")).isEqualTo("{\"items\":[10]}");
		assertThat(drop("/items/01", "{\"items\":[10,20]}")).as("not an index").isEqualTo("{\"items\":[10,20]}");
	}

	@Test
	void unescapesSlashAndTilde() {
		assertThat(drop("/a~1b", "{\"a/b\":1,\"a\":{\"b\":2}}")).isEqualTo("{\"a\":{\"b\":2}}");
		assertThat(drop("/m~0n", "{\"m~n\":1,\"k\":2}")).isEqualTo("{\"k\":2}");
	}

	@Test
	void aPathThatIsNotThereChangesNothing() {
		String json = "{\"id\":1,\"name\":\"x\",\"list\":[1]}";
		assertThat(drop("/missing/deeper", json)).isEqualTo(json);
		assertThat(drop("/name/first", json)).as("through a string").isEqualTo(json);
		assertThat(drop("/list/*/x", json)).as("through numbers").isEqualTo(json);
	}

	@Test
	void refusesPointersThatNameNothingSensible() {
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse(""))
			.withMessageContaining("empty pointer");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse("email"))
			.withMessageContaining("must start with '/'");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse("/name/"))
			.withMessageContaining("empty segment");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse("/a//b"))
			.withMessageContaining("empty segment");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse("/a~2"))
			.withMessageContaining("~0 for ~");
		assertThatIllegalArgumentException().isThrownBy(() -> FieldPointer.parse("/a~"))
			.withMessageContaining("~0 for ~");
	}

	@Test
	void parsesSegmentsAndTrims() {
		assertThat(FieldPointer.parse(" /steps/*/check ").segments()).containsExactly("steps", "*", "check");
		assertThat(FieldPointer.parse("/a").removeFrom(JSON.readTree("{\"a\":1}"))).isEqualTo(1);
	}

	private static String drop(String pointer, String json) {
		JsonNode document = JSON.readTree(json);
		FieldPointer.parse(pointer).removeFrom(document);
		return document.toString();
	}

}
