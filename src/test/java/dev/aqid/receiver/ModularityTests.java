package dev.aqid.receiver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the feature packages honest: a module uses another only through the types at the
 * top of that module's package, no two modules depend on each other in a cycle, and no
 * module's SQL names a table another module owns.
 */
class ModularityTests {

	/** Each table and the one module that owns it. */
	static final Map<String, String> TABLE_OWNERS = Map.of("events", "ingest", "replay_guards", "ingest", "snapshots",
			"enrichment", "subscription", "registrar", "outbox", "forwarding", "amiqus_oauth_tokens", "amiqus");

	private static final Path MAIN_SOURCES = Path.of("src/main/java/dev/aqid/receiver");

	private static final Path MIGRATIONS = Path.of("db/migration");

	/**
	 * A table named where SQL names one: after from, join, into, update, table,
	 * references, truncate or using. Case-insensitive, as SQL is.
	 */
	private static final Pattern TABLE_REFERENCE = Pattern.compile(
			"(?i)\\b(?:from|join|into|update|table|references|truncate|using)\\s+(?:only\\s+)?(?:public\\.)?\"?([a-z_][a-z0-9_]*)");

	private static final Pattern CREATE_TABLE = Pattern
		.compile("(?i)\\bcreate\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(?:public\\.)?\"?([a-z_][a-z0-9_]*)");

	@Test
	void modulesRespectTheirBoundaries() {
		ApplicationModules.of(ReceiverApplication.class).verify();
	}

	@Test
	void everyTableHasOneOwningModule() throws IOException {
		Set<String> created = new TreeSet<>();
		try (Stream<Path> migrations = Files.list(MIGRATIONS)) {
			migrations.filter((file) -> file.toString().endsWith(".sql")).forEach((file) -> {
				Matcher matcher = CREATE_TABLE.matcher(read(file));
				while (matcher.find()) {
					created.add(matcher.group(1).toLowerCase());
				}
			});
		}
		assertThat(created).as("tables created by db/migration").isNotEmpty();
		assertThat(TABLE_OWNERS.keySet()).as("a new table needs an owner here")
			.containsExactlyInAnyOrderElementsOf(created);
	}

	@Test
	void noModuleNamesATableItDoesNotOwn() throws IOException {
		Map<String, Set<String>> foreign = new TreeMap<>();
		try (Stream<Path> sources = Files.walk(MAIN_SOURCES)) {
			sources.filter((file) -> file.toString().endsWith(".java")).forEach((file) -> {
				Path relative = MAIN_SOURCES.relativize(file);
				if (relative.getNameCount() < 2) {
					return; // the application class, in no module
				}
				String module = relative.getName(0).toString();
				Set<String> tables = foreignTables(module, read(file));
				if (!tables.isEmpty()) {
					foreign.put(relative.toString(), tables);
				}
			});
		}
		assertThat(foreign).as("source files naming another module's tables").isEmpty();
	}

	@Test
	void theTableScannerFindsAForeignTable() {
		assertThat(foreignTables("registrar", "select exists(select 1 from events where payload = cast(? as jsonb))"))
			.containsExactly("events");
		assertThat(foreignTables("enrichment", "UPDATE events e SET lease_owner = ?")).containsExactly("events");
		assertThat(foreignTables("query", "select s.data from snapshots s join subscription x on true"))
			.containsExactly("snapshots", "subscription");
		assertThat(foreignTables("registrar", "insert into replay_guards (body_sha256) values (?)"))
			.containsExactly("replay_guards");
		assertThat(foreignTables("enrichment", "delete from \"snapshots\" where client_id = ?")).isEmpty();
		assertThat(foreignTables("ingest", "insert into events (dedupe_key) select k from t join replay_guards g"))
			.isEmpty();
		assertThat(foreignTables("query", "reads from the events table through ingest")).isEmpty();
	}

	/** The tables the text names in SQL that belong to a module other than this one. */
	static Set<String> foreignTables(String module, String source) {
		Set<String> foreign = new TreeSet<>();
		Matcher matcher = TABLE_REFERENCE.matcher(source);
		while (matcher.find()) {
			String table = matcher.group(1).toLowerCase();
			String owner = TABLE_OWNERS.get(table);
			if (owner != null && !owner.equals(module)) {
				foreign.add(table);
			}
		}
		return foreign;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
